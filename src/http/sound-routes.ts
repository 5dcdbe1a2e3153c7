import { resolve, sep } from 'node:path';
import { Router } from 'express';
import { hotlineError } from '../core/errors.ts';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * `GET /sounds/<name>.wav` (and `<dir>/<name>.wav`): prompt audio for the web page. Only plain
 * name segments are accepted, and the resolved path must stay inside the sounds directory.
 */
export function soundRoutes(soundsDir: string): Router {
  const root = resolve(soundsDir);
  const router = Router();
  router.get('/sounds/*path', (req, res, next) => {
    const segments = ([] as string[]).concat((req.params as { path: string | string[] }).path);
    const last = segments.at(-1) ?? '';
    const ok = segments.length <= 4 && last.endsWith('.wav') && segments.every((s) => SEGMENT.test(s) && s !== '..' && !s.startsWith('.'));
    const file = resolve(root, ...segments);
    if (!ok || !file.startsWith(root + sep)) {
      return next(hotlineError('HOTLINE_ERR_NOT_FOUND', 'no such sound (names are letters, digits, - and _, ending in .wav)'));
    }
    res.type('audio/wav');
    res.sendFile(file, { dotfiles: 'deny', maxAge: 60_000 }, (err) => {
      if (err && !res.headersSent) next(hotlineError('HOTLINE_ERR_NOT_FOUND', `no sound ${segments.join('/')}`));
    });
  });
  return router;
}
