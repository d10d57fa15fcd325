import { BadRequestException, NotFoundException } from '@nestjs/common';
import { isRecordedKind, isUuid, lineageGraph, RECORDED_KINDS, type LineageClient, type LineageGraph } from '@cohort/lineage';
import { callDependency } from '../common/dependency';

/**
 * Lineage graphs for the REST and GraphQL APIs. LineageModule builds it with the client it owns
 * (injecting the module's token here would make the two files import each other).
 */
export class LineageService {
  constructor(
    private readonly db: LineageClient,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The lineage graph of one recorded thing. A kind or id that cannot name a row is the caller's
   * mistake (400), told apart from a well-formed id with no row (404) before the database is asked.
   */
  async graph(kind: string, id: string): Promise<LineageGraph> {
    if (!isRecordedKind(kind)) throw new BadRequestException(`kind must be one of ${RECORDED_KINDS.join(', ')}, got "${kind}"`);
    if (!isUuid(id)) throw new BadRequestException(`${kind} id must be a UUID, got "${id}"`);
    const graph = await callDependency('postgres', this.timeoutMs, () => lineageGraph(this.db, kind, id));
    if (!graph) throw new NotFoundException(`no ${kind} with id ${id}`);
    return graph;
  }
}
