/** What the console's routes accept, checked with zod before anything runs. */
import { z } from 'zod';

/** Digits with an optional `+`, spaces, dashes, dots or brackets: `+39 333 123-4567` → `393331234567`. */
export const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]+$/, 'write the number with its country code, digits only (spaces and dashes are fine), e.g. +39 333 123 4567')
  .transform((value) => value.replace(/\D/g, ''))
  .refine((digits) => digits.length >= 6 && digits.length <= 15, 'a WhatsApp number has 6 to 15 digits including the country code')
  .refine((digits) => !digits.startsWith('0'), 'start with the country code (e.g. 39 for Italy), not with 0');

export const waIdParam = z.string().regex(/^\d{6,15}$/, 'the customer is named by their number in digits');

export const newCustomerBody = z.object({
  name: z.string().trim().min(1, 'give the customer a name').max(80, 'keep the name under 80 characters'),
  number: phoneNumber,
});

const caption = z.string().max(1024, 'a caption has at most 1,024 characters').optional();

export const customerMessageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1, 'write something first').max(4096, 'WhatsApp messages have at most 4,096 characters') }),
  z.object({ type: z.literal('image'), caption }),
  z.object({ type: z.literal('document'), caption, fileName: z.string().trim().min(1).max(120).regex(/\.pdf$/i, 'the sample document is a PDF: end the name with .pdf').optional() }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(200).optional(),
    address: z.string().max(500).optional(),
  }),
  z.object({ type: z.literal('reaction'), messageId: z.string().min(1, 'choose the agent message to react to'), emoji: z.string().max(16) }),
]);
export type CustomerMessageInput = z.infer<typeof customerMessageBody>;

export const ticketIdParam = z.coerce.number().int().positive();

export const agentCommentBody = z.object({
  body: z.string().refine((text) => text.trim().length > 0, 'write the reply first').pipe(z.string().max(65_535, 'a comment has at most 65,535 characters')),
  public: z.boolean(),
});

export const ticketStatusBody = z.object({ status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']) });

export const clockAdvanceBody = z
  .object({
    hours: z.number().positive('move time forward, not back').max(24 * 365, 'move at most a year at a time').optional(),
    minutes: z.number().positive('move time forward, not back').max(60 * 24 * 365).optional(),
  })
  .refine((b) => (b.hours ?? 0) + (b.minutes ?? 0) > 0, 'say how far to move: hours or minutes');
