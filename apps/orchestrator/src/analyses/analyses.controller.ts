import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AnalysisDetailView, AnalysisView } from './analysis.views';
import { AnalysesService, type AnalysisQuery } from './analyses.service';
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

@ApiTags('analyses')
@Controller()
export class AnalysesController {
  constructor(private readonly analyses: AnalysesService) {}

  @Role('operator')
  @Audited('suite.analyse', 'suite')
  @Post('suites/:id/analyses')
  @HttpCode(202)
  @ApiBody({
    description: '`{ analyses: [entry…] }`, an entry being a kind (`memorization`) or a kind with parameters (`{ kind: memorization, prompt: 16 }`), as the spec\'s `analyses`',
    schema: { type: 'object' },
  })
  @ApiAcceptedResponse({ type: [AnalysisView], description: 'one analysis per distinct entry; asking again returns the same ids and starts nothing new' })
  @ApiBadRequestResponse({ description: 'invalid request: `issues` lists each bad field path (e.g. `analyses[0].prompt`) and why' })
  @ApiConflictResponse({ description: 'the suite has not started yet' })
  analyse(@Param('id') id: string, @Body() body: unknown): Promise<AnalysisView[]> {
    return this.analyses.analyse(id, body);
  }

  @Role('viewer')
  @Get('suites/:id/analyses')
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'running', 'completed', 'failed'] })
  @ApiOkResponse({ type: [AnalysisView] })
  suite(@Param('id') id: string, @Query() query: AnalysisQuery): Promise<AnalysisView[]> {
    return this.analyses.forSuite(id, { kind: query.kind, status: query.status });
  }

  @Role('viewer')
  @Get('analyses/:id')
  @ApiOkResponse({ type: AnalysisDetailView })
  @ApiNotFoundResponse({ description: 'no such analysis' })
  get(@Param('id') id: string): Promise<AnalysisDetailView> {
    return this.analyses.get(id);
  }

  @Role('viewer')
  @Get('analyses/:id/artifacts/:name')
  @ApiProduces('application/octet-stream', 'text/csv', 'image/png', 'image/svg+xml', 'application/json')
  @ApiOkResponse({ description: "the artefact's bytes, with its media type, as an attachment" })
  @ApiNotFoundResponse({ description: 'no such analysis or artefact, or its bytes are on storage this API cannot read (the message says where)' })
  async download(@Param('id') id: string, @Param('name') name: string): Promise<StreamableFile> {
    const file = await this.analyses.artifact(id, name);
    return new StreamableFile(file.content, {
      type: file.mediaType,
      length: file.content.byteLength,
      disposition: contentDisposition(file.name),
    });
  }
}

/** `attachment; filename=…`, with an RFC 5987 form for names that are not plain ASCII. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return ascii === name ? `attachment; filename="${name}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
