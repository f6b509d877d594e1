// What a sync of the targets' audit logs recorded, in words (App.SyncDeploys; docs/api.md).
import { plural } from './format';
import type { DeploySync } from './types';

/** One target's sync in a line: what it recorded, or why it could not read the logs. */
export interface SyncLine {
  target: string;
  text: string;
  /** The target's logs could not be read. */
  failed: boolean;
}

/** The line of one target's sync. */
export function syncLine(s: DeploySync): SyncLine {
  if (s.failure) {
    const trust = s.host_key ? ` Trust the host key ${s.host_key} (eightfold import deploys ${s.target} --trust-host-key ${s.host_key}), then sync again.` : '';
    return { target: s.target, text: s.failure + trust, failed: true };
  }
  const made = s.recorded.map((d) => `${d.kind} of ${d.version || 'an unknown version'} by ${d.who || 'someone'} (${d.status})`);
  const recorded = s.recorded.length ? `recorded ${made.join(', ')}` : 'nothing new';
  const known = s.known ? `; ${plural(s.known, 'deploy')} known already` : '';
  const skipped = s.skipped.length ? `; ${plural(s.skipped.length, 'line')} skipped: ${s.skipped.join('; ')}` : '';
  return { target: s.target, text: recorded + known + skipped, failed: false };
}
