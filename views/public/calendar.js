// The day view, live: a socket event or a reconnect re-renders the grid from the server,
// and dragging an appointment onto another slot moves it (the server applies every rule).
(function () {
  const live = document.getElementById('calendar-live');
  if (!live) return;
  const clinic = live.dataset.clinic;
  const message = document.getElementById('calendar-message');
  const csrf = document.querySelector('input[name="_csrf"]')?.value;
  let refreshing = null;

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  async function refresh() {
    if (refreshing) return refreshing;
    const url =
      live.dataset.refreshUrl ||
      `/c/${clinic}/calendar/grid?date=${live.dataset.date}&by=${live.dataset.by}`;
    refreshing = fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      .then((res) => {
        // Sent to sign in (the session ended): show that page rather than put it in the grid.
        if (res.redirected) window.location.reload();
        return res.ok && !res.redirected ? res.text() : Promise.reject(new Error(String(res.status)));
      })
      .then((html) => {
        live.innerHTML = html;
        live.dataset.refreshedAt = String(Date.now());
      })
      .catch(() => undefined)
      .finally(() => (refreshing = null));
    return refreshing;
  }

  // The day view opens at the current time (the now line near the top), not at opening time.
  function scrollToNow() {
    const grid = live.querySelector('.calendar');
    const now = live.querySelector('.cal-now');
    if (grid && now) grid.scrollTop = Math.max(0, now.offsetTop - grid.clientHeight / 4);
  }
  scrollToNow();

  // Boards that show elapsed time (the today board) also redraw on a timer.
  if (live.dataset.refreshEvery)
    setInterval(() => void refresh(), Number(live.dataset.refreshEvery) * 1000);

  // The booking panel (booking-panel.js) redraws the grid after it books.
  window.vetlaneCalendar = { refresh };

  if (window.io) {
    const socket = window.io({ transports: ['websocket', 'polling'] });
    let connectedBefore = false;
    let retried = false;
    socket.on('connect', () => {
      socket.emit('join', { clinic }, (ack) => {
        live.dataset.live = ack && ack.ok ? 'on' : 'refused';
        if (ack && ack.ok) retried = false;
        show('');
        // After a network drop, catch up on whatever changed meanwhile.
        if (connectedBefore) void refresh();
        connectedBefore = true;
      });
    });
    socket.on('disconnect', (reason) => {
      live.dataset.live = 'off';
      show(live.dataset.offlineText || '');
      // The server sends us away when access changes (sign-out, role, membership) or when it
      // stops: come back once after a moment (to another process); the join is checked afresh,
      // and signed out, the server ends it again.
      if (reason === 'io server disconnect' && !retried) {
        retried = true;
        setTimeout(() => socket.connect(), 500 + Math.random() * 1500);
      }
    });
    // Events are numbered per clinic across every server process: a skipped number means
    // one was lost on the way (while Redis was away). Every event re-renders the grid, which
    // shows what the missed one changed too.
    let lastSeq;
    socket.on('appointment', (event) => {
      if (lastSeq !== undefined && event.seq > lastSeq + 1)
        live.dataset.gaps = String(Number(live.dataset.gaps || 0) + 1);
      if (lastSeq === undefined || event.seq > lastSeq) lastSeq = event.seq;
      void refresh();
    });
    // The servers' link to each other came back after an outage: catch up.
    socket.on('resync', () => {
      live.dataset.resyncs = String(Number(live.dataset.resyncs || 0) + 1);
      void refresh();
    });
  }

  let dragged = null;
  live.addEventListener('dragstart', (e) => {
    const appt = e.target.closest && e.target.closest('.cal-appt');
    if (!appt) return;
    dragged = appt;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', appt.dataset.id);
  });
  live.addEventListener('dragover', (e) => {
    if (dragged && e.target.closest('.cal-slot')) e.preventDefault();
  });
  live.addEventListener('drop', async (e) => {
    const slot = e.target.closest('.cal-slot');
    if (!dragged || !slot) return;
    e.preventDefault();
    const body = new URLSearchParams({
      version: dragged.dataset.version,
      date: slot.dataset.date,
      time: slot.dataset.time,
      _csrf: csrf || '',
    });
    if (live.dataset.by === 'staff') body.set('staffId', slot.dataset.column);
    const res = await fetch(`/c/${clinic}/appointments/${dragged.dataset.id}/move`, {
      method: 'POST',
      body,
      headers: { accept: 'application/json', 'x-csrf-token': csrf || '' },
      credentials: 'same-origin',
    });
    dragged = null;
    if (!res.ok) {
      const problem = await res.json().catch(() => ({}));
      show(problem.error ? problem.error.message : String(res.status));
    } else show('');
    await refresh();
  });
})();
