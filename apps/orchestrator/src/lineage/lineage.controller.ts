import { Controller, Get, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RECORDED_KINDS, type LineageGraph } from '@cohort/lineage';
import { LineageService } from './lineage.service';
import { LineageGraphView } from './lineage.views';
import { Role } from '../auth/role.decorator';

@ApiTags('lineage')
@Controller('lineage')
export class LineageController {
  constructor(private readonly lineage: LineageService) {}

  @Role('viewer')
  @Get(':kind/:id')
  @ApiParam({ name: 'kind', enum: [...RECORDED_KINDS] })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: LineageGraphView, description: 'what it was computed from (upstream) and what was computed from it (downstream)' })
  @ApiBadRequestResponse({ description: 'an unknown kind (the message lists the kinds) or an id that is no UUID' })
  @ApiNotFoundResponse({ description: 'no such row' })
  @ApiServiceUnavailableResponse({ description: 'the lineage database is unavailable' })
  graph(@Param('kind') kind: string, @Param('id') id: string): Promise<LineageGraph> {
    return this.lineage.graph(kind, id);
  }
}
