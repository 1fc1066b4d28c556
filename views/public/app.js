// Progressive enhancement only: every page works without this file.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  document.querySelectorAll('details.menu[open]').forEach((menu) => menu.removeAttribute('open'));
});

// A form marked data-once sends once: a second click while the first is on its way does nothing.
// (The server is the real guard: payment forms carry a one-time form key.)
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-once')) return;
  if (form.dataset.sent) event.preventDefault();
  form.dataset.sent = '1';
});
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});
