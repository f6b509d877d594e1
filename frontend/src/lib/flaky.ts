// Why a test is called flaky, in words.

import { plural } from './format';
import type { FlakyInfo } from './types';

/** "passed on retry", "failed and passed on the same code", "flipped 4 times". */
export function flakyReason(reason: string, info: Pick<FlakyInfo, 'flips'>): string {
  switch (reason) {
    case 'passed-on-retry':
      return 'passed on retry';
    case 'same-code':
      return 'failed and passed on the same code';
    case 'flips':
      return `flipped ${plural(info.flips, 'time')}`;
    default:
      // A reason from a newer version: its words, as well as we can.
      return reason.replace(/[-_]+/g, ' ');
  }
}

export function flakyReasons(info: Pick<FlakyInfo, 'reasons' | 'flips'>): string[] {
  return info.reasons.map((r) => flakyReason(r, info));
}
