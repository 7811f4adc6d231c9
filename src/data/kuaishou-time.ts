import { date } from './field-parsers.js';

/**
 * KuaiRec and KuaiRand were logged in Beijing (UTC+8): their calendar dates and
 * `YYYY-MM-DD HH:MM:SS` times are local there (KuaiRec's `time` and
 * `timestamp` columns agree only with this offset).
 */
export const kuaishouDate = date(8);
