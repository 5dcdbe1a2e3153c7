import { randomBytes } from 'node:crypto';
import { Router, json } from 'express';
import { hotlineError } from '../core/errors.ts';
import { bodyObject, numberField, stringField } from './validate.ts';

/** An order as the demo CRM answers it. */
export interface DemoOrder {
  orderId: string;
  status: 'shipped' | 'processing' | 'delivered' | 'cancelled';
  /** A sentence the flow can speak as is. */
  statusText: string;
  /** Expected delivery date (`YYYY-MM-DD`), for shipped orders. */
  eta?: string;
  /** Queue priority of a caller asking about this order (the support queue reads it): cancelled orders go first. */
  priority: number;
}

/**
 * The demo order status, derived from the id so a caller can pick an outcome: last digit 0–3
 * shipped (with a delivery date 1–5 days from `now`), 4–6 processing, 7–8 delivered, 9 cancelled.
 */
export function demoOrder(orderId: string, now: number): DemoOrder {
  const last = Number(orderId.at(-1));
  if (last <= 3) {
    const eta = new Date(now + (1 + (Number(orderId) % 5)) * 86_400_000);
    const day = eta.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
    return { orderId, status: 'shipped', statusText: `Your order has shipped and should arrive on ${day}.`, eta: eta.toISOString().slice(0, 10), priority: 0 };
  }
  if (last <= 6) return { orderId, status: 'processing', statusText: 'Your order is being prepared and will ship within two business days.', priority: 0 };
  if (last <= 8) return { orderId, status: 'delivered', statusText: 'Your order has been delivered.', priority: 0 };
  return { orderId, status: 'cancelled', statusText: 'Your order was cancelled. No payment was taken.', priority: 5 };
}

/** Luhn check of a card number. */
export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The built-in demo CRM the sample flow calls (`settings.crm_url`): order lookups and card
 * payments. No auth, like a CRM on a private network; card data is never logged or kept.
 */
export function demoCrmRoutes(options: { now?: () => number } = {}): Router {
  const now = options.now ?? Date.now;
  const router = Router();
  router.use(json({ limit: '16kb' }));
  router.get('/orders/:orderId', (req, res) => {
    const { orderId } = req.params;
    if (!/^\d{6}$/.test(orderId)) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'no such order (order numbers have 6 digits)', { orderId: orderId.slice(0, 16) });
    res.json(demoOrder(orderId, now()));
  });
  router.post('/payments', (req, res) => {
    const body = bodyObject(req.body);
    const card = stringField(body, 'card', { required: true, min: 12, max: 19, pattern: /^\d+$/, describe: '12 to 19 digits' })!;
    const expiry = stringField(body, 'expiry', { required: true, min: 4, max: 4, pattern: /^(0[1-9]|1[0-2])\d{2}$/, describe: 'MMYY (e.g. 0829)' })!;
    numberField(body, 'amount', { min: 0, max: 1_000_000 });
    const today = new Date(now());
    const expYear = 2000 + Number(expiry.slice(2));
    const expMonth = Number(expiry.slice(0, 2));
    const notExpired = expYear > today.getUTCFullYear() || (expYear === today.getUTCFullYear() && expMonth >= today.getUTCMonth() + 1);
    if (!luhnValid(card)) return res.json({ approved: false, reason: 'invalid-card', confirmation: null });
    if (!notExpired) return res.json({ approved: false, reason: 'expired', confirmation: null });
    res.json({ approved: true, confirmation: randomBytes(3).toString('hex').toUpperCase() });
  });
  return router;
}
