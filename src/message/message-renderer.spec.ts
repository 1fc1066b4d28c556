import { describe, expect, it } from '@jest/globals';
import { Translator } from '../i18n/i18n.js';
import { MessageRenderer } from './message-renderer.js';

const renderer = new MessageRenderer(new Translator());
const base = {
  kind: 'appointment_reminder' as const,
  clinic: { name: 'Clínica Norte', address: 'Calle Mayor 1', phone: '+34 900 000 000' },
  recipientName: 'Lucía',
  params: { pet: 'Toby', type: 'Vacunación', staff: 'Dra. Ruiz', date: 'lunes, 15', time: '11:20' },
  unsubscribeUrl: 'https://vetlane.example/unsubscribe/x',
};

describe('an owner message', () => {
  it('says the same in the HTML and the text part, in the language asked, with the clinic to call', () => {
    const m = renderer.render({ ...base, locale: 'es' });
    expect(m.subject).toBe('Recordatorio: cita de Toby el lunes, 15 a las 11:20');
    expect(m.text).toContain('Hola Lucía:');
    expect(m.text).toContain('Si no puede venir, llámenos al +34 900 000 000.');
    expect(m.text).toContain('https://vetlane.example/unsubscribe/x');
    expect(m.html).toContain('Si no puede venir, llámenos al +34 900 000 000.');
    expect(m.html).toContain('Clínica Norte');
  });

  it('asks the owner to get in touch when the clinic has no phone', () => {
    const m = renderer.render({ ...base, locale: 'en', clinic: { ...base.clinic, phone: null } });
    expect(m.text).toContain('If you cannot come, please get in touch with us.');
  });

  it('escapes what owners and staff typed in the HTML', () => {
    const m = renderer.render({
      ...base,
      locale: 'en',
      params: { ...base.params, pet: '<img src=x onerror=alert(1)>' },
    });
    expect(m.html).not.toContain('<img src=x');
    expect(m.html).toContain('&lt;img');
  });
});
