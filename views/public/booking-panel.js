// Booking from the day view: a click (or Enter) on an empty slot opens the booking panel with
// that column, date and time; the pet is picked by typeahead; the booking is posted as JSON
// and the grid redraws in place. Arrow keys move between slots (one tab stop for the grid).
(function () {
  const live = document.getElementById('calendar-live');
  const host = document.getElementById('booking-panel');
  if (!live || !host) return;
  const clinic = live.dataset.clinic;
  const csrf = document.querySelector('input[name="_csrf"]')?.value || '';
  const status = document.getElementById('booking-status');
  let opener = null;

  function close() {
    host.hidden = true;
    host.innerHTML = '';
    if (opener && document.body.contains(opener)) opener.focus();
  }

  async function open(slot) {
    opener = slot;
    const params = new URLSearchParams({ date: slot.dataset.date, time: slot.dataset.time });
    params.set(live.dataset.by === 'room' ? 'roomId' : 'staffId', slot.dataset.column);
    const res = await fetch(`/c/${clinic}/calendar/panel?${params}`, {
      headers: { accept: 'text/html' },
      credentials: 'same-origin',
    });
    if (!res.ok) return;
    host.innerHTML = await res.text();
    host.hidden = false;
    wire(host.querySelector('form'));
    host.querySelector('#panel-pet').focus();
  }

  function wire(form) {
    const input = form.querySelector('#panel-pet');
    const list = form.querySelector('#panel-pet-list');
    const petId = form.querySelector('input[name="petId"]');
    const message = form.querySelector('[data-role="message"]');
    let results = [];
    let active = -1;
    let asked = 0;

    function render() {
      list.innerHTML = '';
      results.forEach((r, i) => {
        const li = document.createElement('li');
        li.id = `panel-pet-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === active));
        li.textContent = `${r.name} · ${r.clientName}`;
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      if (!results.length && !petId.value && input.value.trim().length >= 2) {
        const li = document.createElement('li');
        li.className = 'muted';
        li.textContent = input.dataset.empty;
        list.appendChild(li);
      }
      list.hidden = !list.children.length;
      input.setAttribute('aria-expanded', String(!list.hidden));
      if (active >= 0) input.setAttribute('aria-activedescendant', `panel-pet-${active}`);
      else input.removeAttribute('aria-activedescendant');
    }

    function choose(i) {
      const r = results[i];
      if (!r) return;
      petId.value = r.id;
      input.value = `${r.name} · ${r.clientName}`;
      input.dataset.picked = input.value;
      results = [];
      active = -1;
      render();
    }

    input.addEventListener('input', async () => {
      petId.value = input.value === input.dataset.picked ? petId.value : '';
      const q = input.value.trim();
      const mine = ++asked;
      if (q.length < 2) {
        results = [];
        return render();
      }
      const res = await fetch(`/c/${clinic}/calendar/pets?q=${encodeURIComponent(q)}`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (mine !== asked || !res.ok) return; // an answer to older typing
      results = (await res.json()).results;
      active = results.length ? 0 : -1;
      render();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!results.length) return;
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        active = (active + step + results.length) % results.length;
        render();
      } else if (e.key === 'Enter' && results.length) {
        e.preventDefault();
        choose(active < 0 ? 0 : active);
      }
    });

    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
    form.querySelector('[data-role="close"]').addEventListener('click', close);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = Object.fromEntries(new FormData(form));
      const res = await fetch(`/c/${clinic}/calendar/book`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'x-csrf-token': csrf,
        },
        credentials: 'same-origin',
      });
      if (res.ok) {
        const pet = input.value.split(' · ')[0];
        close();
        status.textContent = status.dataset.template
          ? status.dataset.template.replace('{pet}', pet)
          : pet;
        status.hidden = false;
        if (window.vetlaneCalendar) await window.vetlaneCalendar.refresh();
        return;
      }
      const { error = {} } = await res.json().catch(() => ({}));
      const fields = Object.values(error.fields || {}).filter((m) => m !== error.message);
      message.textContent = [error.message, ...fields].filter(Boolean).join(' ');
      message.hidden = false;
      if (error.code === 'past_time_unconfirmed')
        form.querySelector('[data-role="confirm-past"]').hidden = false;
    });
  }

  live.addEventListener('click', (e) => {
    const slot = e.target.closest && e.target.closest('.cal-slot');
    if (slot) void open(slot);
  });
  live.addEventListener('keydown', (e) => {
    const slot = e.target.closest && e.target.closest('.cal-slot');
    if (!slot) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void open(slot);
      return;
    }
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[e.key];
    if (!move) return;
    const next = live.querySelector(
      `.cal-slot[data-row="${Number(slot.dataset.row) + move[0]}"][data-col="${Number(slot.dataset.col) + move[1]}"]`,
    );
    if (!next) return;
    e.preventDefault();
    slot.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
})();
