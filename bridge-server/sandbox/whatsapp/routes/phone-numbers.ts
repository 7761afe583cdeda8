/**
 * The business phone number, as the Cloud API describes it:
 *
 * - `GET /{version}/{phone-number-id}` → `{verified_name, display_phone_number, quality_rating, id}`;
 *   `?fields=a,b` narrows the answer to those fields (and `id`), as Graph does; a field the node
 *   does not have → 400, Graph error 100.
 *
 * Only the configured number answers here; any other id falls through to the media routes,
 * which answer "does not exist" as Graph does for an unknown node. `doctor` uses this call to
 * check the token and the number.
 */
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from '../context';
import { sendGraphError } from '../graph-error';

const VERSION = /^v\d+(\.\d+)?$/;

export function phoneNumberRoutes(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/:version/:phoneNumberId', (req: Request, res: Response, next) => {
    const { version, phoneNumberId } = req.params as { version: string; phoneNumberId: string };
    if (!VERSION.test(version) || phoneNumberId !== ctx.settings.phoneNumberId) return next();
    const node: Record<string, string> = {
      verified_name: ctx.settings.verifiedName,
      display_phone_number: formatDisplayNumber(ctx.settings.displayPhoneNumber),
      quality_rating: 'GREEN',
      id: ctx.settings.phoneNumberId,
    };
    const fields = typeof req.query.fields === 'string' ? req.query.fields.split(',').map((f) => f.trim()).filter(Boolean) : [];
    const unknown = fields.find((f) => !(f in node));
    if (unknown) {
      sendGraphError(res, 400, { message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (WhatsAppBusinessPhoneNumber)`, code: 100 });
      return;
    }
    res.json(fields.length ? Object.fromEntries(Object.entries(node).filter(([k]) => k === 'id' || fields.includes(k))) : node);
  });

  return router;
}

/** `15550100001` → `+1 555-010-0001`, the way the API shows North American numbers; others `+<digits>`. */
function formatDisplayNumber(digits: string): string {
  const nanp = /^1(\d{3})(\d{3})(\d{4})$/.exec(digits);
  return nanp ? `+1 ${nanp[1]}-${nanp[2]}-${nanp[3]}` : `+${digits}`;
}
