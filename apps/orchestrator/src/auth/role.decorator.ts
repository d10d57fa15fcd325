import { SetMetadata } from '@nestjs/common';
import type { ApiRole } from '@cohort/lineage';

/** What a route or resolver needs: a role, or nothing at all (public). */
export type Access = ApiRole | 'public';

export const ACCESS_METADATA = 'cohort:access';

/** The least role a caller's token must have; on a class, the default of its handlers. */
export const Role = (role: ApiRole) => SetMetadata(ACCESS_METADATA, role satisfies Access);

/** Open to anyone without a token. Only for what says nothing about the data (/health). */
export const Public = () => SetMetadata(ACCESS_METADATA, 'public' satisfies Access);
