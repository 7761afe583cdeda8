/**
 * Users and identities (https://developer.zendesk.com/api-reference/ticketing/users/users/):
 * external_id is unique and matched case-insensitively; an email or phone identity belongs to
 * one user; `phone` on a user makes a phone identity unless another user holds the number, in
 * which case it is kept as a shared number (`shared_phone_number: true`).
 */
import type { SandboxContext } from '../context';
import { type FieldError, recordInvalid, recordNotFound } from '../errors';
import type { UserInput } from '../schemas';
import { type IdentityRecord, type IdentityType, nextId, type UserRecord, type UserRole, type ZendeskState } from '../state';

const ROLES: readonly UserRole[] = ['end-user', 'agent', 'admin'];
const IDENTITY_TYPES: readonly IdentityType[] = ['email', 'phone_number'];

export const ADMIN_NAME = 'Sandbox Admin';
export const ADMIN_EMAIL = 'bridge@example.com';

/** Digits only: `+39 333-123` and `39333123` are one number. */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

function sameIdentityValue(type: IdentityType, a: string, b: string): boolean {
  return type === 'phone_number' ? phoneDigits(a) === phoneDigits(b) && phoneDigits(a) !== '' : a.toLowerCase() === b.toLowerCase();
}

export function getUser(state: ZendeskState, id: number): UserRecord {
  const user = state.users.get(id);
  if (!user) throw recordNotFound();
  return user;
}

export function identitiesOf(state: ZendeskState, userId: number): IdentityRecord[] {
  return [...state.identities.values()].filter((identity) => identity.user_id === userId);
}

export function findIdentity(state: ZendeskState, type: IdentityType, value: string): IdentityRecord | undefined {
  for (const identity of state.identities.values()) {
    if (identity.type === type && sameIdentityValue(type, identity.value, value)) return identity;
  }
  return undefined;
}

export function findUserByExternalId(state: ZendeskState, externalId: string): UserRecord | undefined {
  const wanted = externalId.toLowerCase();
  for (const user of state.users.values()) {
    if (user.external_id !== null && user.external_id.toLowerCase() === wanted) return user;
  }
  return undefined;
}

export function findUserByEmail(state: ZendeskState, email: string): UserRecord | undefined {
  const identity = findIdentity(state, 'email', email);
  return identity ? state.users.get(identity.user_id) : undefined;
}

function alreadyUsed(value: string): FieldError[] {
  return [{ description: `Value: ${value} is already being used by another user`, error: 'DuplicateValue' }];
}

/** Adds an identity; 422 when any user (this one included) already holds the value. */
export function addIdentity(ctx: SandboxContext, userId: number, type: string, value: string): IdentityRecord {
  const user = getUser(ctx.state, userId);
  if (!IDENTITY_TYPES.includes(type as IdentityType)) {
    throw recordInvalid({ type: [{ description: `Type: ${type} is not a supported identity type (email, phone_number)`, error: 'InvalidValue' }] });
  }
  const identityType = type as IdentityType;
  const trimmed = value.trim();
  if (!trimmed) throw recordInvalid({ value: [{ description: 'Value: cannot be blank', error: 'BlankValue' }] });
  if (identityType === 'email') checkEmailFormat(trimmed, 'value');
  if (findIdentity(ctx.state, identityType, trimmed)) throw recordInvalid({ value: alreadyUsed(trimmed) });

  const now = ctx.isoNow();
  const isFirstOfType = !identitiesOf(ctx.state, userId).some((identity) => identity.type === identityType);
  const identity: IdentityRecord = {
    id: nextId(ctx.state, 'identity'),
    user_id: userId,
    type: identityType,
    value: identityType === 'email' ? trimmed.toLowerCase() : trimmed,
    verified: identityType === 'email' ? user.role !== 'end-user' : false,
    primary: isFirstOfType,
    created_at: now,
    updated_at: now,
  };
  ctx.state.identities.set(identity.id, identity);
  if (isFirstOfType && identityType === 'email') user.email = identity.value;
  if (isFirstOfType && identityType === 'phone_number') {
    user.phone = identity.value;
    user.shared_phone_number = false;
  }
  user.updated_at = now;
  return identity;
}

function checkRole(role: string | undefined): UserRole | undefined {
  if (role === undefined) return undefined;
  if (!ROLES.includes(role as UserRole)) {
    throw recordInvalid({ role: [{ description: `Role: ${role} is not valid (end-user, agent, admin)`, error: 'InvalidValue' }] });
  }
  return role as UserRole;
}

function checkExternalIdFree(state: ZendeskState, externalId: string | null | undefined, selfId?: number): void {
  if (!externalId) return;
  const holder = findUserByExternalId(state, externalId);
  if (holder && holder.id !== selfId) {
    throw recordInvalid({ external_id: [{ description: 'External ID: has already been taken', error: 'DuplicateValue' }] });
  }
}

function checkEmailFormat(email: string, field: 'value' | 'email'): void {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    const label = field === 'value' ? 'Value' : 'Email';
    throw recordInvalid({ [field]: [{ description: `${label}: ${email} is not properly formatted`, error: 'InvalidFormat' }] });
  }
}

function checkEmailFree(state: ZendeskState, email: string | null | undefined, selfId?: number): void {
  if (!email) return;
  checkEmailFormat(email.trim(), 'email');
  const holder = findUserByEmail(state, email);
  if (holder && holder.id !== selfId) {
    throw recordInvalid({ email: [{ description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' }] });
  }
}

/** Email and phone from a user payload become identities (validated before anything is saved). */
function applyContactFields(ctx: SandboxContext, user: UserRecord, input: UserInput): void {
  if (input.email && !findUserByEmail(ctx.state, input.email)) addIdentity(ctx, user.id, 'email', input.email);
  if (input.phone) {
    const holder = findIdentity(ctx.state, 'phone_number', input.phone);
    if (!holder) addIdentity(ctx, user.id, 'phone_number', input.phone);
    else if (holder.user_id !== user.id) {
      user.phone = input.phone;
      user.shared_phone_number = true;
    }
  }
}

export function createUser(ctx: SandboxContext, input: UserInput): UserRecord {
  const name = input.name?.trim();
  if (!name) throw recordInvalid({ name: [{ description: 'Name: cannot be blank', error: 'BlankValue' }] });
  const role = checkRole(input.role) ?? 'end-user';
  checkExternalIdFree(ctx.state, input.external_id);
  checkEmailFree(ctx.state, input.email);
  const now = ctx.isoNow();
  const user: UserRecord = {
    id: nextId(ctx.state, 'user'),
    name,
    email: null,
    phone: null,
    shared_phone_number: false,
    external_id: input.external_id ?? null,
    role,
    locale: input.locale ?? 'en-US',
    user_fields: { ...input.user_fields },
    active: true,
    created_at: now,
    updated_at: now,
  };
  ctx.state.users.set(user.id, user);
  applyContactFields(ctx, user, input);
  return user;
}

export function updateUser(ctx: SandboxContext, user: UserRecord, input: UserInput): UserRecord {
  if (input.name !== undefined && !input.name.trim()) {
    throw recordInvalid({ name: [{ description: 'Name: cannot be blank', error: 'BlankValue' }] });
  }
  const role = checkRole(input.role);
  checkExternalIdFree(ctx.state, input.external_id, user.id);
  checkEmailFree(ctx.state, input.email, user.id);
  if (input.name !== undefined) user.name = input.name.trim();
  if (role) user.role = role;
  if (input.external_id !== undefined) user.external_id = input.external_id;
  if (input.locale !== undefined) user.locale = input.locale;
  if (input.user_fields) user.user_fields = { ...user.user_fields, ...input.user_fields };
  applyContactFields(ctx, user, input);
  user.updated_at = ctx.isoNow();
  return user;
}

/** Matches on external_id (case-insensitive), then email; creates the user when neither matches. */
export function createOrUpdateUser(ctx: SandboxContext, input: UserInput): { user: UserRecord; created: boolean } {
  const existing =
    (input.external_id ? findUserByExternalId(ctx.state, input.external_id) : undefined) ??
    (input.email ? findUserByEmail(ctx.state, input.email) : undefined);
  if (existing) return { user: updateUser(ctx, existing, input), created: false };
  return { user: createUser(ctx, input), created: true };
}

export function seedAdmin(ctx: SandboxContext): UserRecord {
  const admin = createUser(ctx, { name: ADMIN_NAME, email: ADMIN_EMAIL, role: 'admin' });
  ctx.state.adminUserId = admin.id;
  return admin;
}

export function isAgent(user: UserRecord | undefined): boolean {
  return user?.role === 'agent' || user?.role === 'admin';
}

/**
 * User search: `external_id` (exact, case-insensitive) or a query in Zendesk's search syntax:
 * `phone:`, `email:`, `external_id:`, `name:`, `role:` terms and free text over name, email,
 * phone and external_id; all terms must match. Phones compare by digits, so `phone:+39…`
 * decoded with `+` as a space still finds the number.
 */
export function searchUsers(state: ZendeskState, query: string): UserRecord[] {
  const terms = tokenize(query);
  return [...state.users.values()].filter((user) => terms.every((term) => matches(state, user, term)));
}

interface Term {
  key: string | null;
  value: string;
}

function tokenize(query: string): Term[] {
  const raw = query.match(/(?:[^\s"]+:)?"[^"]*"|\S+/g) ?? [];
  const terms: Term[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const token = raw[i];
    const colon = token.indexOf(':');
    if (colon > 0 && /^[a-z_]+$/i.test(token.slice(0, colon))) {
      let value = token.slice(colon + 1);
      // `phone: 39333…` (a `+` decoded as a space) carries its value in the next token.
      if (!value && i + 1 < raw.length) value = raw[++i];
      terms.push({ key: token.slice(0, colon).toLowerCase(), value: value.replace(/^"|"$/g, '') });
    } else {
      terms.push({ key: null, value: token.replace(/^"|"$/g, '') });
    }
  }
  return terms.filter((term) => !(term.key === 'type' && term.value === 'user'));
}

function matches(state: ZendeskState, user: UserRecord, term: Term): boolean {
  const identities = identitiesOf(state, user.id);
  const phones = [...identities.filter((i) => i.type === 'phone_number').map((i) => i.value), ...(user.phone ? [user.phone] : [])];
  const emails = identities.filter((i) => i.type === 'email').map((i) => i.value);
  const value = term.value.toLowerCase();
  const phoneMatch = () => phoneDigits(term.value) !== '' && phones.some((p) => phoneDigits(p) === phoneDigits(term.value));
  switch (term.key) {
    case 'phone':
      return phoneMatch();
    case 'email':
      return emails.some((email) => email === value);
    case 'external_id':
      return user.external_id?.toLowerCase() === value;
    case 'name':
      return user.name.toLowerCase().includes(value);
    case 'role':
      return user.role === value;
    case null:
      return (
        user.name.toLowerCase().includes(value) ||
        emails.some((email) => email.includes(value)) ||
        (user.external_id?.toLowerCase() === value) ||
        phoneMatch()
      );
    default:
      return false;
  }
}
