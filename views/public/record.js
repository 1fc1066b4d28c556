// Record page uploads: each chosen file goes in its own request, two at a time, with a
// progress bar; the server decides the type from the content and answers with a message.
(function () {
  const form = document.getElementById('upload-form');
  if (!form) return;
  const input = form.querySelector('input[type=file]');
  const list = document.getElementById('upload-progress');
  const maxBytes = Number(form.dataset.maxBytes);
  // Each file gets its own one-time key, derived from the page's form key: sending the same
  // file again (a double click, a retry) answers with the first upload instead of a copy.
  const formKey = form.querySelector('input[name="_formKey"]')?.value;
  const fileKeys = new WeakMap();
  let keyed = 0;
  const keyOf = (file) => {
    if (!fileKeys.has(file)) fileKeys.set(file, formKey + '.' + keyed++);
    return fileKeys.get(file);
  };
  // data-msg-file_too_large is dataset.msgFile_too_large
  const msg = (code) =>
    form.dataset['msg' + code.charAt(0).toUpperCase() + code.slice(1)] || form.dataset.msgGeneric;

  function row(file) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = file.name + ' ';
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement('span');
    status.className = 'upload-status';
    status.textContent = ' ' + form.dataset.msgUploading;
    li.append(name, bar, status);
    list.append(li);
    return { li, bar, status };
  }

  function send(file) {
    const ui = row(file);
    return new Promise((resolve) => {
      const fail = (code) => {
        ui.li.classList.add('upload-failed');
        ui.status.textContent = ' ' + form.dataset.msgFailed + ': ' + msg(code);
        resolve(false);
      };
      if (file.size > maxBytes) return fail('file_too_large');
      const xhr = new XMLHttpRequest();
      xhr.open('POST', form.dataset.action);
      xhr.setRequestHeader('x-csrf-token', form.dataset.csrf);
      xhr.setRequestHeader('accept', 'application/json');
      if (formKey) xhr.setRequestHeader('idempotency-key', keyOf(file));
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) ui.bar.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = () => {
        if (xhr.status === 201) {
          ui.bar.value = 100;
          ui.li.classList.add('upload-done');
          ui.status.textContent = ' ' + form.dataset.msgDone;
          return resolve(true);
        }
        let code = 'generic';
        try {
          code = JSON.parse(xhr.responseText).error.code;
        } catch {
          // not JSON: keep the generic message
        }
        fail(code);
      };
      xhr.onerror = () => fail('generic');
      const body = new FormData();
      body.append('file', file, file.name);
      xhr.send(body);
    });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const files = Array.from(input.files || []);
    if (!files.length) return;
    list.textContent = '';
    const results = [];
    const queue = files.slice();
    const worker = async () => {
      while (queue.length) results.push(await send(queue.shift()));
    };
    await Promise.all([worker(), worker()]);
    if (results.every(Boolean)) window.location.reload();
  });
})();
