import { translator } from '../../../bridge-server/i18n';
import {
  buildTemplatePayload,
  chooseTemplate,
  renderTemplate,
  renderedAsText,
  templateVariables,
  validateTemplateValues,
  type TemplateDefinition,
} from '../../../bridge-server/sync/template-render';

const t = translator('en');
const tIt = translator('it');

function tpl(over: Partial<TemplateDefinition> & Pick<TemplateDefinition, 'components'>): TemplateDefinition {
  return { id: '1', name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', parameterFormat: 'POSITIONAL', qualityScore: 'GREEN', rejectedReason: null, ...over };
}

const orderUpdate = tpl({
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#48213'] } },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} arrives on {{3}}.', example: { body_text: [['Anna', '#48213', 'May 14']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/48213'] }, { type: 'QUICK_REPLY', text: 'Agent' }, { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550100' }] },
  ],
});
const full = { 'header.1': '#77', 'body.1': 'Giulia', 'body.2': '#77', 'body.3': 'Friday', 'button.0': '77' };

const named = tpl({
  name: 'spring_sale',
  parameterFormat: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: '{{first_name}}, enjoy {{discount}} off! {{first_name}} 🌷', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Anna' }, { param_name: 'discount', example: '25%' }] } },
    { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SPRING25' }] },
  ],
});

describe('template variables', () => {
  it('when a template has header, body and a URL button variable, then each is described with its example', () => {
    expect(templateVariables(orderUpdate).map((v) => [v.key, v.where, v.example])).toEqual([
      ['header.1', 'header', '#48213'],
      ['body.1', 'body', 'Anna'],
      ['body.2', 'body', '#48213'],
      ['body.3', 'body', 'May 14'],
      ['button.0', 'button', '48213'],
    ]);
  });

  it('when parameters are named and repeated, then each name is one variable; media and copy code are variables too', () => {
    expect(templateVariables(named).map((v) => [v.key, v.kind, v.name])).toEqual([
      ['header.media', 'image', null],
      ['body.first_name', 'text', 'first_name'],
      ['body.discount', 'text', 'discount'],
      ['button.0', 'coupon_code', null],
    ]);
  });

  it('when positional numbers go past 9, then they are ordered by number', () => {
    const many = tpl({ components: [{ type: 'BODY', text: Array.from({ length: 11 }, (_, i) => `{{${i + 1}}}`).join(' ') }] });
    expect(templateVariables(many).map((v) => v.key).slice(8)).toEqual(['body.9', 'body.10', 'body.11']);
  });
});

describe('choosing the template', () => {
  const stored = [orderUpdate, { ...orderUpdate, id: '2', language: 'it' }];

  it('when name and language exist and it is approved, then it is chosen', () => {
    expect(chooseTemplate(stored, 'order_update', 'it', t)).toEqual({ template: stored[1], errors: [] });
  });

  it('when the language is missing, then the language field names the languages there are', () => {
    const r = chooseTemplate(stored, 'order_update', 'pt_BR', t);
    expect(r.errors).toEqual([{ field: 'language', code: 'language_not_available', message: expect.stringContaining('en_US, it') }]);
  });

  it('when the name is unknown, then the name field says so', () => {
    expect(chooseTemplate(stored, 'nope', 'en_US', t).errors[0]).toMatchObject({ field: 'name', code: 'template_not_found' });
  });

  it.each([
    ['PAUSED', 'template_paused', /paused/],
    ['REJECTED', 'template_rejected', /rejected by Meta \(reason: PROMOTIONAL\)/],
    ['PENDING', 'template_pending', /waiting for Meta/],
    ['DISABLED', 'template_disabled', /disabled/],
    ['FLAGGED', 'template_not_approved', /status FLAGGED/],
  ])('when the template is %s, then it is refused with %s', (status, code, message) => {
    const r = chooseTemplate([{ ...orderUpdate, status, rejectedReason: 'PROMOTIONAL' }], 'order_update', 'en_US', t);
    expect(r.errors).toEqual([{ field: 'template', code, message: expect.stringMatching(message) }]);
  });

  it('when the agent reads Italian, then the error is in Italian', () => {
    const r = chooseTemplate([{ ...orderUpdate, status: 'PAUSED' }], 'order_update', 'en_US', tIt);
    expect(r.errors[0].message).toContain('in pausa');
  });
});

describe('validating values', () => {
  it('when every value is there, then there is no error', () => {
    expect(validateTemplateValues(orderUpdate, full, t)).toEqual([]);
  });

  it('when a body value is missing, then the error names body.2', () => {
    const { 'body.2': _, ...rest } = full;
    expect(validateTemplateValues(orderUpdate, rest, t)).toEqual([{ field: 'body.2', code: 'missing', message: 'Fill in {{2}} in the message.' }]);
  });

  it('when a value is blank or has a line break, then it is refused', () => {
    const errors = validateTemplateValues(orderUpdate, { ...full, 'body.1': '  ', 'body.3': 'Fri\nday' }, t);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['body.1', 'missing'],
      ['body.3', 'invalid_characters'],
    ]);
  });

  it('when a value is given for a variable the template does not have, then it is named', () => {
    expect(validateTemplateValues(orderUpdate, { ...full, 'body.4': 'x' }, t)).toEqual([expect.objectContaining({ field: 'body.4', code: 'unknown_variable' })]);
  });

  it('when the URL button variable is missing, then button.0 is named', () => {
    const { 'button.0': _, ...rest } = full;
    expect(validateTemplateValues(orderUpdate, rest, t)).toEqual([expect.objectContaining({ field: 'button.0', code: 'missing' })]);
  });

  it('when the filled body is over 1024 characters, then the body is too long', () => {
    const errors = validateTemplateValues(orderUpdate, { ...full, 'body.1': 'x'.repeat(1020) }, t);
    expect(errors).toEqual([expect.objectContaining({ field: 'body', code: 'body_too_long', message: expect.stringContaining('1024') })]);
  });

  it('when the filled header is over 60 characters, then the header is too long', () => {
    expect(validateTemplateValues(orderUpdate, { ...full, 'header.1': 'y'.repeat(60) }, t)).toEqual([expect.objectContaining({ field: 'header', code: 'header_too_long' })]);
  });

  it('when named values are given, then they are checked by name', () => {
    const ok = { 'header.media': { link: 'https://cdn.example.com/a.png' }, 'body.first_name': 'Anna', 'body.discount': '20%', 'button.0': 'SAVE20' };
    expect(validateTemplateValues(named, ok, t)).toEqual([]);
    const { 'body.discount': _, ...rest } = ok;
    expect(validateTemplateValues(named, rest, t)).toEqual([expect.objectContaining({ field: 'body.discount', code: 'missing' })]);
  });

  it('when the coupon code is over 15 characters, then the button is too long', () => {
    const v = { 'header.media': { id: '123' }, 'body.first_name': 'A', 'body.discount': 'B', 'button.0': 'X'.repeat(16) };
    expect(validateTemplateValues(named, v, t)).toEqual([expect.objectContaining({ field: 'button.0', code: 'button_too_long' })]);
  });

  describe('header media', () => {
    const rest = { 'body.first_name': 'A', 'body.discount': 'B', 'button.0': 'C' };
    it.each([[undefined], ['https://cdn.example.com/a.png']])('when the header image is %p (no {link} or {id}), then it is required', (value) => {
      const errors = validateTemplateValues(named, { ...rest, ...(value ? { 'header.media': value } : {}) }, t);
      expect(errors).toEqual([expect.objectContaining({ field: 'header.media', code: 'media_required' })]);
    });

    it('when the link is a PDF for an image header, then the type is wrong', () => {
      expect(validateTemplateValues(named, { ...rest, 'header.media': { link: 'https://cdn.example.com/a.pdf' } }, t)).toEqual([expect.objectContaining({ field: 'header.media', code: 'media_type', message: expect.stringContaining('.pdf') })]);
    });

    it('when the MIME type is not allowed, then the type is wrong', () => {
      expect(validateTemplateValues(named, { ...rest, 'header.media': { id: '9', mimeType: 'image/gif' } }, t)[0]).toMatchObject({ code: 'media_type' });
    });

    it('when the image is over 5 MB, then it is too large', () => {
      expect(validateTemplateValues(named, { ...rest, 'header.media': { id: '9', size: 6 * 1024 * 1024 } }, t)).toEqual([expect.objectContaining({ code: 'media_too_large', message: expect.stringContaining('5 MB') })]);
    });

    it('when the link is not http(s), then it is refused', () => {
      expect(validateTemplateValues(named, { ...rest, 'header.media': { link: 'ftp://x/a.png' } }, t)[0]).toMatchObject({ code: 'invalid_url' });
    });

    it('when a document header gets a 20 MB PDF by id, then it is accepted', () => {
      const doc = tpl({ components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Invoice' }] });
      expect(validateTemplateValues(doc, { 'header.media': { id: '5', filename: 'invoice.pdf', mimeType: 'application/pdf', size: 20 * 1024 * 1024 } }, t)).toEqual([]);
    });
  });
});

describe('rendering', () => {
  it('when values are given, then header, body, footer and buttons read as the customer sees them', () => {
    expect(renderTemplate(orderUpdate, full)).toEqual({
      header: { format: 'TEXT', text: 'Order #77', media: null },
      body: 'Hi Giulia, your order #77 arrives on Friday.',
      footer: 'Reply STOP to opt out',
      buttons: [
        { type: 'URL', text: 'Track', url: 'https://shop.example.com/track/77' },
        { type: 'QUICK_REPLY', text: 'Agent' },
        { type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '+15550100' },
      ],
    });
  });

  it('when a value is missing, then its placeholder stays visible for the preview', () => {
    expect(renderTemplate(orderUpdate, { 'body.1': 'Giulia' }).body).toBe('Hi Giulia, your order {{2}} arrives on {{3}}.');
  });

  it('when rendered as text for the ticket, then every part is there', () => {
    const text = renderedAsText(renderTemplate(orderUpdate, full), t);
    expect(text).toBe('*Order #77*\n\nHi Giulia, your order #77 arrives on Friday.\n\n_Reply STOP to opt out_\n\n🔗 Track: https://shop.example.com/track/77\n↩ Agent\n📞 Call: +15550100');
  });
});

describe('the Graph API payload', () => {
  it('when positional, then parameters follow {{1}}, {{2}}… and the URL button has its index', () => {
    expect(buildTemplatePayload(orderUpdate, full)).toEqual({
      name: 'order_update',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: '#77' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Giulia' }, { type: 'text', text: '#77' }, { type: 'text', text: 'Friday' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '77' }] },
      ],
    });
  });

  it('when named, then each parameter carries parameter_name; media and copy code are typed', () => {
    const p = buildTemplatePayload(named, { 'header.media': { link: 'https://cdn.example.com/a.png' }, 'body.first_name': 'Anna', 'body.discount': '20%', 'button.0': 'SAVE20' });
    expect(p.components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/a.png' } }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Anna' }, { type: 'text', parameter_name: 'discount', text: '20%' }] },
      { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE20' }] },
    ]);
  });

  it('when the header is a document by id, then the filename goes with it', () => {
    const doc = tpl({ components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Invoice' }] });
    expect(buildTemplatePayload(doc, { 'header.media': { id: '5', filename: 'invoice.pdf' } }).components).toEqual([{ type: 'header', parameters: [{ type: 'document', document: { id: '5', filename: 'invoice.pdf' } }] }]);
  });

  it('when the template has no variables, then no components are sent', () => {
    expect(buildTemplatePayload(tpl({ components: [{ type: 'BODY', text: 'Thanks!' }] }), {})).toEqual({ name: 'order_update', language: { code: 'en_US' } });
  });
});
