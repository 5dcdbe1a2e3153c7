// Hotline's simulated-call console. Plain browser JavaScript: no build step, no CDN.
const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'hotline.token';
const POLL_MS = 500;

let token = takeToken();
let callId = null;
let pollTimer = null;
const heard = new Set(); // playback ids already queued for the speaker
let skipExisting = false; // attaching to a running call: don't replay what it already heard
const audio = createPlayer();

function takeToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    // Keep the token out of the address bar, history and screenshots.
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return localStorage.getItem(TOKEN_KEY);
}

function askToken() {
  $('token-dialog').showModal();
}

$('token-form').addEventListener('submit', () => {
  token = $('token-input').value.trim();
  localStorage.setItem(TOKEN_KEY, token);
  say('');
});

$('forget-token').addEventListener('click', () => {
  localStorage.removeItem(TOKEN_KEY);
  token = null;
  askToken();
});

async function api(method, path, body) {
  if (!token) {
    askToken();
    throw new Error('an API token is needed');
  }
  const res = await fetch(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) askToken();
  if (!res.ok) throw new Error(data.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function say(text) {
  $('message').textContent = text;
}

async function run(action) {
  try {
    say('');
    await action();
  } catch (err) {
    say(err.message);
  }
}

$('dial-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    audio.reset();
    heard.clear();
    const body = { to: $('to').value.trim() };
    if ($('from').value.trim()) body.from = $('from').value.trim();
    if ($('at').value.trim()) body.at = $('at').value.trim();
    const { id } = await api('POST', '/sim/calls', body);
    callId = id;
    $('call-id').textContent = id;
    setLive(true);
    startPolling();
  });
});

$('hangup').addEventListener('click', () => run(() => api('DELETE', `/sim/calls/${callId}`)));

$('keypad').addEventListener('click', (event) => {
  const key = event.target.closest('button')?.textContent;
  if (key && callId) run(() => api('POST', `/sim/calls/${callId}/dtmf`, { digits: key }));
});

document.addEventListener('keydown', (event) => {
  if (!callId || event.target.tagName === 'INPUT') return;
  if (/^[0-9*#]$/.test(event.key)) run(() => api('POST', `/sim/calls/${callId}/dtmf`, { digits: event.key }));
});

$('say-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('say').value.trim();
  if (!text || !callId) return;
  run(async () => {
    await api('POST', `/sim/calls/${callId}/say`, { text });
    $('say').value = '';
  });
});

$('advance').addEventListener('click', () => run(() => api('POST', `/sim/calls/${callId}/advance`, { seconds: 5 })));

$('mute').addEventListener('change', () => {
  audio.muted = $('mute').checked;
  if (audio.muted) audio.reset();
});

function setLive(live) {
  $('hangup').disabled = !live;
  $('advance').disabled = !live;
  for (const b of $('keypad').querySelectorAll('button')) b.disabled = !live;
  $('say-form').querySelector('button').disabled = !live;
}

function startPolling() {
  clearTimeout(pollTimer);
  const tick = async () => {
    if (!callId) return;
    try {
      const call = await api('GET', `/calls/${encodeURIComponent(callId)}`);
      render(call);
      if (call.state === 'ended') {
        setLive(false);
        return;
      }
    } catch (err) {
      // The session may not be stored yet right after the call is placed.
      if (!/no call/.test(err.message)) say(err.message);
    }
    pollTimer = setTimeout(tick, POLL_MS);
  };
  tick();
}

function render(call) {
  $('state').textContent = call.state;
  $('state').className = `state-${call.state}`;
  $('flow').textContent = `${call.flow} (${call.version})`;
  $('step').textContent = call.step;
  $('outcome').textContent = call.outcome ?? '—';
  $('path').replaceChildren(...call.path.map((step) => el('li', step)));
  $('variables').textContent = JSON.stringify(call.variables, null, 2);
  $('prompts').replaceChildren(
    ...call.prompts.map((p) => {
      const li = el('li', '');
      li.append(el('span', `${p.step}: `, 'step'), document.createTextNode(p.media.map(describe).join(', ') + ` (${p.state})`));
      return li;
    }),
  );
  for (const p of call.prompts) {
    if (heard.has(p.playbackId)) continue;
    heard.add(p.playbackId);
    if (skipExisting) continue;
    if (p.state === 'playing' || p.state === 'finished') audio.enqueue(p.media);
  }
  skipExisting = false;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function describe(m) {
  switch (m.kind) {
    case 'sound': return m.name;
    case 'text': return `“${m.text}”`;
    case 'digits': return `digits ${m.value}`;
    case 'number': return `number ${m.value}`;
    case 'tone': return `tone ${m.name}`;
    default: return JSON.stringify(m);
  }
}

/** Plays media one after another: WAVs through <audio>, text, digits and numbers through speechSynthesis. */
function createPlayer() {
  const queue = [];
  let busy = false;
  let current = null;
  const player = {
    muted: false,
    enqueue(media) {
      if (player.muted) return;
      queue.push(...media);
      if (!busy) next();
    },
    reset() {
      queue.length = 0;
      current?.stop();
      speechSynthesis?.cancel();
    },
  };
  async function next() {
    busy = true;
    while (queue.length > 0) {
      const m = queue.shift();
      try {
        await playOne(m);
      } catch {
        // A missing sound or a blocked speaker must not stop the rest.
      }
    }
    busy = false;
  }
  function playOne(m) {
    if (m.kind === 'sound') return playAudio(`/sounds/${m.name.split('/').map(encodeURIComponent).join('/')}.wav`);
    if (m.kind === 'text') return speak(m.text);
    if (m.kind === 'digits') return speak(String(m.value).split('').join(' '));
    if (m.kind === 'number') return speak(String(m.value));
    if (m.kind === 'tone') return tone(m.name === 'beep' ? 1000 : 440, m.name === 'beep' ? 0.3 : 1);
    return Promise.resolve();
  }
  function playAudio(src) {
    return new Promise((resolve, reject) => {
      const a = new Audio(src);
      current = { stop: () => { a.pause(); resolve(); } };
      a.onended = () => resolve();
      a.onerror = () => reject(new Error(`cannot play ${src}`));
      a.play().catch(reject);
    });
  }
  function speak(text) {
    if (!('speechSynthesis' in window)) return Promise.resolve();
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = 'en-US';
      u.onend = () => resolve();
      u.onerror = () => resolve();
      current = { stop: () => resolve() };
      speechSynthesis.speak(u);
    });
  }
  function tone(freq, seconds) {
    return new Promise((resolve) => {
      const ctx = new AudioContext();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      gain.gain.value = 0.1;
      osc.frequency.value = freq;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      const done = () => { osc.stop(); ctx.close(); resolve(); };
      const timer = setTimeout(done, seconds * 1000);
      current = { stop: () => { clearTimeout(timer); done(); } };
    });
  }
  return player;
}

// Live calls for supervisors: GET /api/calls (live views of the token's queues) and supervisions.
const MODES = ['listen', 'whisper', 'barge', 'takeover'];
let liveTimer = null;

function button(text, onClick) {
  const b = el('button', text);
  b.type = 'button';
  b.addEventListener('click', () => runLive(onClick));
  return b;
}

async function runLive(action) {
  try {
    $('live-message').textContent = '';
    await action();
    await refreshLive();
  } catch (err) {
    $('live-message').textContent = err.message;
  }
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    // Caller ids are caller-supplied: text nodes only, never HTML.
    if (Array.isArray(c)) td.append(...c); else td.textContent = c;
    tr.append(td);
  }
  return tr;
}

async function refreshLive() {
  const { calls } = await api('GET', '/calls?view=live');
  $('live-calls').replaceChildren(...calls.map((c) => row([
    c.id, c.from, c.queue ?? '—', c.state, c.agent?.id ?? '—', `${Math.round(c.inStateMs / 1000)} s`,
    c.state === 'connected'
      ? MODES.map((mode) => button(mode, () => api('POST', `/calls/${encodeURIComponent(c.id)}/supervise`, { endpoint: $('sup-endpoint').value.trim(), mode })))
      : '',
  ])));
  const { supervisions } = await api('GET', '/supervisions');
  $('supervisions').replaceChildren(...supervisions.filter((v) => v.state !== 'ended').map((v) => row([
    v.id, v.callId, v.state, v.mode,
    [...MODES.filter((m) => m !== v.mode).map((mode) => button(mode, () => api('PATCH', `/supervisions/${encodeURIComponent(v.id)}`, { mode }))),
      button('end', () => api('DELETE', `/supervisions/${encodeURIComponent(v.id)}`))],
  ])));
}

$('live-on').addEventListener('change', () => {
  clearTimeout(liveTimer);
  if (!$('live-on').checked) return;
  const tick = async () => {
    try {
      await refreshLive();
    } catch (err) {
      $('live-message').textContent = err.message;
    }
    if ($('live-on').checked) liveTimer = setTimeout(tick, 2000);
  };
  tick();
});

setLive(false);
if (!token) askToken();
// `?call=<id>` attaches to a call placed elsewhere (API, another tab).
const watched = new URL(location.href).searchParams.get('call');
if (watched && token) {
  callId = watched;
  skipExisting = true;
  $('call-id').textContent = watched;
  setLive(true);
  startPolling();
}
