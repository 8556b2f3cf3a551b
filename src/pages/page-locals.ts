import type { RequestHandler } from 'express';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Format from '../../public/js/format.js';
import { publicDir } from '../paths.js';
import { languageOf, translator } from './i18n.js';

/**
 * The formatting module the browser uses as well (public/js/format.js), loaded from the public folder
 * this server serves. It is not compiled, so build/ and the package hold no copy a relative import
 * would reach; the public folder is where every way of running the server has it.
 */
const format = (await import(pathToFileURL(join(publicDir, 'js', 'format.js')).href)) as typeof Format;

/** What every template may use: the language, `t`, and the shared formatters (times in UTC: the server cannot know the reader's zone). */
export function pageLocalsOf(cookieHeader: string | undefined) {
  const lang = languageOf(cookieHeader);
  const t = translator(lang);
  // The runway's words keep their {n} for formatRunway to fill.
  const runwayWords = {
    hours: t('runwayHours', { n: '{n}' }),
    days: t('runwayDays', { n: '{n}' }),
    overAYear: t('runwayOverAYear'),
    unknown: t('unknown'),
  };
  return {
    lang,
    t,
    ...format.formatters({ unknown: t('unknown'), never: t('never') }, 'utc'),
    runway: (hours: number | null) => format.formatRunway(hours, runwayWords),
  };
}

/**
 * Data for a page's scripts, to embed in <script type="application/json"> (inert: the CSP allows no
 * inline script). `<` is escaped so that no text in it can close the element.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The one middleware that puts the template globals into res.locals. */
export function pageLocals(): RequestHandler {
  return (req, res, next) => {
    Object.assign(res.locals, pageLocalsOf(req.headers.cookie));
    next();
  };
}
