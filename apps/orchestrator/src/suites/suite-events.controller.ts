import { Controller, Param, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { SuiteEventsService } from './suite-events.service';
import { Role } from '../auth/role.decorator';
import { CurrentCaller, type Caller } from '../auth/caller';

@ApiTags('suites')
@Controller('suites')
export class SuiteEventsController {
  constructor(private readonly events: SuiteEventsService) {}

  @Role('viewer')
  @Sse(':id/events')
  @ApiOkResponse({
    description:
      'text/event-stream: `progress` {status, runs[]} on change, `end` once final, `unavailable` while a dependency is down, `revoked` (and the stream ends) once its token is revoked',
  })
  open(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<Observable<MessageEvent>> {
    return this.events.open(id, caller);
  }
}
