/**
 * The viewer's time zone: public/app.js stores the browser's IANA zone in the `tz` cookie, and the
 * pages show execution times in it (with the zone named). Until the browser has told us, or for a
 * zone this server does not know, times are shown in UTC.
 */
import type { Request } from 'express';
import { IANAZone } from 'luxon';

export const ZONE_COOKIE = 'tz';

export function viewerZone(req: Pick<Request, 'headers'>): string {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== ZONE_COOKIE) continue;
    let value: string;
    try {
      value = decodeURIComponent(rest.join('='));
    } catch {
      return 'UTC';
    }
    return value.length <= 64 && IANAZone.isValidZone(value) ? value : 'UTC';
  }
  return 'UTC';
}
