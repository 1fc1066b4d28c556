// Progressive enhancement only: every page works without this file.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  document.querySelectorAll('details.menu[open]').forEach((menu) => menu.removeAttribute('open'));
});
