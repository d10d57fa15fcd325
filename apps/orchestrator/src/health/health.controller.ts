import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withTimeout } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';

interface DependencyHealth {
  up: boolean;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  postgres: DependencyHealth;
  temporal: DependencyHealth & { address: string };
}

async function probe(check: () => Promise<unknown>, ms: number, what: string): Promise<DependencyHealth> {
  try {
    await withTimeout(check(), ms, what);
    return { up: true };
  } catch (err) {
    return { up: false, error: (err as Error).message };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
    private readonly temporal: TemporalClientService,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Postgres and Temporal are reachable' })
  @ApiServiceUnavailableResponse({ description: 'at least one dependency is down; the body says which' })
  async health(): Promise<HealthReport> {
    const ms = Math.min(this.config.COHORT_DEPENDENCY_TIMEOUT_MS, 3000);
    const [postgres, temporal] = await Promise.all([
      probe(() => this.db.$queryRaw`SELECT 1`, ms, 'postgres'),
      probe(() => this.temporal.checkHealth(), ms, 'temporal'),
    ]);
    const report: HealthReport = {
      status: postgres.up && temporal.up ? 'ok' : 'degraded',
      postgres,
      temporal: { ...temporal, address: this.config.TEMPORAL_ADDRESS },
    };
    if (report.status !== 'ok') throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
