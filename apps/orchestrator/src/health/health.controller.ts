import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withTimeout } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { PoolsService } from '../pools/pools.service';
import { Public } from '../auth/role.decorator';

interface DependencyHealth {
  up: boolean;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  postgres: DependencyHealth;
  temporal: DependencyHealth & { address: string };
  /** Only when pools are configured. Down only degrades: training on existing workers goes on. */
  kubernetes?: DependencyHealth;
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
    private readonly pools: PoolsService,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'Postgres and Temporal are reachable (status "degraded" when only the Kubernetes API server is not: pools are not scaled meanwhile)' })
  @ApiServiceUnavailableResponse({ description: 'Postgres or Temporal is down; the body says which' })
  async health(): Promise<HealthReport> {
    const ms = Math.min(this.config.COHORT_DEPENDENCY_TIMEOUT_MS, 3000);
    const scaler = this.pools.scaler;
    const [postgres, temporal, kubernetes] = await Promise.all([
      probe(() => this.db.$queryRaw`SELECT 1`, ms, 'postgres'),
      probe(() => this.temporal.checkHealth(), ms, 'temporal'),
      scaler ? probe(() => scaler.checkApiServer(), ms, 'kubernetes') : undefined,
    ]);
    const report: HealthReport = {
      status: postgres.up && temporal.up && kubernetes?.up !== false ? 'ok' : 'degraded',
      postgres,
      temporal: { ...temporal, address: this.config.TEMPORAL_ADDRESS },
      ...(kubernetes && { kubernetes }),
    };
    // The API serves and training goes on without the API server, so that alone keeps the
    // orchestrator ready (a 503 here would take it out of its Service).
    if (!postgres.up || !temporal.up) throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
