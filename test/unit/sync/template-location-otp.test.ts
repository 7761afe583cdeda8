/**
 * LOCATION headers and authentication (one-time password) templates: the variables an agent
 * fills, the checks before Meta, the text on the ticket and the Graph payload; and the
 * simulated Cloud API judging the payload as Meta does.
 */
import { translator } from '../../../bridge-server/i18n';
import { buildTemplatePayload, renderTemplate, renderedAsText, templateVariables, validateTemplateValues, type TemplateDefinition } from '../../../bridge-server/sync/template-render';
import { SandboxTemplates, validateTemplateSend } from '../../../bridge-server/sandbox/whatsapp';

const t = translator('en');

function tpl(over: Partial<TemplateDefinition> & Pick<TemplateDefinition, 'components'>): TemplateDefinition {
  return { id: '1', name: 'x', language: 'en_US', status: 'APPROVED', category: 'UTILITY', parameterFormat: 'POSITIONAL', qualityScore: 'GREEN', rejectedReason: null, ...over };
}

const storeVisit = tpl({
  name: 'store_visit',
  components: [
    { type: 'HEADER', format: 'LOCATION' },
    { type: 'BODY', text: 'Ciao {{1}}, ti aspettiamo nel nostro negozio.', example: { body_text: [['Anna']] } },
  ],
});
const milano = { latitude: 45.4642, longitude: 9.19, name: 'Negozio Duomo 🛍️', address: 'Piazza del Duomo, Milano' };

// As Meta returns a copy-code authentication template from GET message_templates: the OTP
// button comes back as a URL button pointing at WhatsApp's OTP link.
const otpAsRead = tpl({
  name: 'login_code',
  category: 'AUTHENTICATION',
  components: [
    { type: 'BODY', text: '*{{1}}* is your verification code. For your security, do not share this code.' },
    { type: 'FOOTER', text: 'This code expires in 10 minutes.' },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=10&code=otp{{1}}' }] },
  ],
});
// … and as created (type OTP, otp_type COPY_CODE).
const otpAsCreated = tpl({ ...otpAsRead, components: [otpAsRead.components[0], { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' } as never] }] });

describe('a template with a LOCATION header', () => {
  it('when described, then the agent fills header.location and the body', () => {
    expect(templateVariables(storeVisit).map((v) => [v.key, v.kind])).toEqual([
      ['header.location', 'location'],
      ['body.1', 'text'],
    ]);
  });

  it('when the place is given, then it is valid, shown on the ticket and sent as a location parameter', () => {
    const values = { 'header.location': milano, 'body.1': 'Giulia' };
    expect(validateTemplateValues(storeVisit, values, t)).toEqual([]);
    const text = renderedAsText(renderTemplate(storeVisit, values), t);
    expect(text).toBe('[📍 Negozio Duomo 🛍️, Piazza del Duomo, Milano (45.4642, 9.19)]\n\nCiao Giulia, ti aspettiamo nel nostro negozio.');
    expect(buildTemplatePayload(storeVisit, values).components).toEqual([
      { type: 'header', parameters: [{ type: 'location', location: milano }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Giulia' }] },
    ]);
  });

  it('when the place is missing or off the globe, then the error names header.location', () => {
    expect(validateTemplateValues(storeVisit, { 'body.1': 'Giulia' }, t)).toEqual([expect.objectContaining({ field: 'header.location', code: 'location_required' })]);
    const [bad] = validateTemplateValues(storeVisit, { 'header.location': { latitude: 91, longitude: 9 }, 'body.1': 'Giulia' }, t);
    expect(bad).toMatchObject({ field: 'header.location', code: 'invalid_location' });
    expect(bad.message).toContain('latitude 91');
    expect(validateTemplateValues(storeVisit, { 'header.location': { link: 'https://x.example/a.png' }, 'body.1': 'Giulia' }, t)[0]).toMatchObject({ code: 'location_required' });
    expect(validateTemplateValues(storeVisit, { 'header.location': milano, 'body.1': { latitude: 1, longitude: 2 } }, t)[0]).toMatchObject({ field: 'body.1', code: 'not_text' });
  });
});

describe('an authentication template with a one-time-password button', () => {
  it.each([
    ['as read back from Meta (URL)', otpAsRead],
    ['as created (OTP)', otpAsCreated],
  ])('when %s, then the code is filled once and sent in the body and as the button url parameter', (_label, template) => {
    expect(templateVariables(template).map((v) => v.key)).toEqual(['body.1']);
    const values = { 'body.1': '482913' };
    expect(validateTemplateValues(template, values, t)).toEqual([]);
    const payload = buildTemplatePayload(template, values);
    expect(payload.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
    ]);
    expect(renderedAsText(renderTemplate(template, values), t)).toContain('📋 Copy code: 482913');
  });

  it('when the code is missing or longer than 15 characters, then the error names body.1; a separate button value is refused', () => {
    expect(validateTemplateValues(otpAsRead, {}, t)).toEqual([expect.objectContaining({ field: 'body.1', code: 'missing' })]);
    expect(validateTemplateValues(otpAsRead, { 'body.1': '1234567890123456' }, t)).toEqual([expect.objectContaining({ field: 'body.1', code: 'code_too_long' })]);
    expect(validateTemplateValues(otpAsRead, { 'body.1': '1234', 'button.0': '1234' }, t)).toEqual([expect.objectContaining({ field: 'button.0', code: 'unknown_variable' })]);
  });
});

describe('the simulated Cloud API judges these sends as Meta does', () => {
  const templates = new SandboxTemplates('waba', () => 0, [
    { name: 'store_visit', language: 'it', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'HEADER', format: 'LOCATION' }, { type: 'BODY', text: 'Ciao {{1}}' }] },
    {
      name: 'login_code',
      language: 'en_US',
      status: 'APPROVED',
      category: 'AUTHENTICATION',
      components: [{ type: 'BODY', text: '*{{1}}* is your verification code.' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}' }] }],
    },
  ]);
  const body = (text: string) => ({ type: 'body', parameters: [{ type: 'text', text }] });

  it('when the bridge builds the payload, then it is accepted', () => {
    const visit = tpl({ ...storeVisit, language: 'it' });
    expect(validateTemplateSend(templates, buildTemplatePayload(visit, { 'header.location': milano, 'body.1': 'Giulia' }) as never)).toBeNull();
    expect(validateTemplateSend(templates, buildTemplatePayload(otpAsRead, { 'body.1': '482913' }) as never)).toBeNull();
  });

  it('when the location is missing, not a location or off the globe, then 132000 / 132012 / 100', () => {
    const send = (header?: unknown) => validateTemplateSend(templates, { name: 'store_visit', language: { code: 'it' }, components: [...(header ? [header as never] : []), body('Giulia')] });
    expect(send()?.error.code).toBe(132000);
    expect(send({ type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.png' } }] })?.error.code).toBe(132012);
    expect(send({ type: 'header', parameters: [{ type: 'location', location: { latitude: 120, longitude: 9 } }] })?.error.code).toBe(100);
  });

  it('when the OTP button lacks the code, is not sub_type url or the code is over 15 characters, then it is refused', () => {
    const send = (button?: unknown) => validateTemplateSend(templates, { name: 'login_code', language: { code: 'en_US' }, components: [body('482913'), ...(button ? [button as never] : [])] });
    expect(send()?.error.code).toBe(132000);
    expect(send({ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: '482913' }] })?.error.code).toBe(132012);
    expect(send({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '1234567890123456' }] })?.error.code).toBe(132012);
    expect(send({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] })).toBeNull();
  });
});
