/**
 * The browser side of topology.html, as text: it reads the embedded data, lays the network out
 * (core in the middle, every district and department as a cluster on a ring, its sites spiralling
 * round its hub), draws it on a canvas so that 8,000+ points stay smooth, and wires the search
 * (name, code or address, with or without Vietnamese diacritics), the district drill-down and the
 * findings list. Plain ES2020, no libraries: the page must open anywhere, offline.
 */
export const PAGE_SCRIPT = String.raw`(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('citycloud-data').textContent);
  const nodes = data.nodes;
  const links = data.links;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const flagged = new Map();
  for (const f of data.findings) if (f.point) flagged.set(f.point, [...(flagged.get(f.point) || []), f]);

  const COLOURS = { core: '#7b1fa2', district: '#1565c0', agency: '#2e7d32', ward: '#64b5f6', unit: '#a5d6a7' };
  const SIZE = { core: 9, district: 6, agency: 6, ward: 2.5, unit: 2 };

  // layout: clusters (a district or a department with its sites) round a ring, sized by members
  const clusters = new Map();
  for (const n of nodes) {
    if (n.level === 'core') continue;
    const key = n.block || n.district || n.agency || n.id;
    if (!clusters.has(key)) clusters.set(key, []);
    clusters.get(key).push(n);
  }
  const radiusOf = (members) => 14 + 9 * Math.sqrt(members.length);
  const circumference = [...clusters.values()].reduce((s, m) => s + 2 * radiusOf(m) + 12, 0);
  const ring = Math.max(300, circumference / (2 * Math.PI));
  let angle = 0;
  const centreOf = new Map();
  for (const [key, members] of clusters) {
    const r = radiusOf(members);
    const a = angle + (r + 6) / ring;
    angle += (2 * r + 12) / ring;
    const cx = ring * Math.cos(a);
    const cy = ring * Math.sin(a);
    centreOf.set(key, { x: cx, y: cy, r });
    const hub = members.find((m) => m.id === key) || members[0];
    hub.x = cx;
    hub.y = cy;
    let k = 0;
    for (const m of members) {
      if (m === hub) continue;
      const rr = 9 * Math.sqrt(k + 1);
      const t = k * 2.399963;
      m.x = cx + rr * Math.cos(t);
      m.y = cy + rr * Math.sin(t);
      k++;
    }
  }
  nodes.filter((n) => n.level === 'core').forEach((n, i, all) => {
    const t = (2 * Math.PI * i) / all.length;
    n.x = all.length > 1 ? 0.12 * ring * Math.cos(t) : 0;
    n.y = all.length > 1 ? 0.12 * ring * Math.sin(t) : 0;
  });

  // view: world → screen transform, pan and zoom
  const canvas = document.getElementById('map');
  const ctx = canvas.getContext('2d');
  const view = { scale: 1, x: 0, y: 0 };
  let selected = null;
  let focus = null; // the cluster being drilled into
  function resize() {
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(box.width * devicePixelRatio));
    canvas.height = Math.max(1, Math.round(box.height * devicePixelRatio));
    draw();
  }
  function fit(x0, y0, x1, y1) {
    const w = canvas.width / devicePixelRatio;
    const h = canvas.height / devicePixelRatio;
    view.scale = Math.min(w / (x1 - x0 || 1), h / (y1 - y0 || 1)) * 0.9;
    view.x = w / 2 - ((x0 + x1) / 2) * view.scale;
    view.y = h / 2 - ((y0 + y1) / 2) * view.scale;
    draw();
  }
  const fitAll = () => fit(-ring - 60, -ring - 60, ring + 60, ring + 60);
  let pending = false;
  function draw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(paint);
  }
  function paint() {
    pending = false;
    ctx.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(devicePixelRatio * view.scale, 0, 0, devicePixelRatio * view.scale, devicePixelRatio * view.x, devicePixelRatio * view.y);
    const px = 1 / view.scale;
    for (const role of ['backup', 'primary']) {
      ctx.beginPath();
      for (const l of links) {
        if (l.role !== role) continue;
        const a = byId.get(l.from);
        const b = byId.get(l.to);
        if (!a || !b) continue;
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
      }
      ctx.strokeStyle = role === 'primary' ? 'rgba(60,60,60,0.35)' : 'rgba(230,120,0,0.25)';
      ctx.lineWidth = px;
      ctx.stroke();
    }
    for (const n of nodes) {
      const r = Math.max(SIZE[n.level] || 2, 1.5 * px);
      ctx.beginPath();
      ctx.arc(n.x, n.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = COLOURS[n.level] || '#999';
      ctx.fill();
      if (flagged.has(n.id)) {
        ctx.lineWidth = 2.5 * px;
        ctx.strokeStyle = '#d32f2f';
        ctx.stroke();
      }
    }
    if (selected) {
      ctx.beginPath();
      ctx.arc(selected.x, selected.y, (SIZE[selected.level] || 2) + 6 * px, 0, 2 * Math.PI);
      ctx.lineWidth = 3 * px;
      ctx.strokeStyle = '#ffb300';
      ctx.stroke();
    }
    ctx.fillStyle = '#222';
    ctx.font = 12 * px + 'px system-ui, sans-serif';
    for (const n of nodes) {
      const big = n.level === 'district' || n.level === 'agency' || n.level === 'core';
      if ((big && view.scale > 0.35) || view.scale > 2.5 || n === selected) ctx.fillText(n.name, n.x + 8 * px, n.y + 4 * px);
    }
  }

  // search: accents and đ folded away, so "tan dinh" finds "Phường Tân Định"
  const fold = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  const haystack = new Map(nodes.map((n) => [n, fold([n.name, n.id, n.code, n.prefix, n.gateway, n.loopback].join(' '))]));
  const results = document.getElementById('results');
  function search(text) {
    const words = fold(text).split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (words.length === 0) return;
    const hits = nodes.filter((n) => words.every((w) => haystack.get(n).includes(w)));
    for (const n of hits.slice(0, 50)) {
      const li = document.createElement('li');
      li.textContent = n.name + ' · ' + n.id + (n.prefix ? ' · ' + n.prefix : '');
      li.dataset.id = n.id;
      li.tabIndex = 0;
      li.addEventListener('click', () => select(n, true));
      li.addEventListener('keydown', (e) => e.key === 'Enter' && select(n, true));
      results.append(li);
    }
    document.getElementById('hits').textContent = hits.length + ' found' + (hits.length > 50 ? ', first 50 shown' : '');
  }
  document.getElementById('search').addEventListener('input', (e) => search(e.target.value));

  // details of the selected point
  const details = document.getElementById('details');
  function select(n, centre) {
    selected = n;
    const rows = [
      ['name', n.name], ['id', n.id], ['level', n.level], ['code', n.code], ['parent', n.parent],
      ['subnet', n.prefix], ['gateway', n.gateway], ['loopback', n.loopback], ['VLAN', n.vlan],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');
    details.replaceChildren();
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = String(v);
      details.append(dt, dd);
    }
    for (const l of links.filter((x) => x.from === n.id || x.to === n.id)) {
      const dt = document.createElement('dt');
      dt.textContent = l.role + ' link';
      const dd = document.createElement('dd');
      dd.textContent = (l.from === n.id ? '→ ' + l.to : '← ' + l.from) + ', ' + l.mbps + ' Mbps' + (l.prefix ? ', ' + l.prefix : '');
      details.append(dt, dd);
    }
    for (const f of flagged.get(n.id) || []) {
      const dd = document.createElement('dd');
      dd.className = 'finding';
      dd.textContent = f.rule + ' ' + f.message;
      details.append(dd);
    }
    if (centre) {
      const w = canvas.width / devicePixelRatio;
      const h = canvas.height / devicePixelRatio;
      view.scale = Math.max(view.scale, 3);
      view.x = w / 2 - n.x * view.scale;
      view.y = h / 2 - n.y * view.scale;
    }
    draw();
  }

  // drill-down into a district or a department: zoom to its cluster and list its sites
  const picker = document.getElementById('district');
  for (const [key, members] of clusters) {
    const hub = byId.get(key);
    const option = document.createElement('option');
    option.value = key;
    option.textContent = (hub ? hub.name : key) + ' (' + members.length + ')';
    picker.append(option);
  }
  const table = document.getElementById('sites');
  picker.addEventListener('change', () => {
    focus = picker.value || null;
    const body = table.tBodies[0];
    body.replaceChildren();
    if (!focus) {
      table.hidden = true;
      fitAll();
      return;
    }
    const c = centreOf.get(focus);
    fit(c.x - c.r - 20, c.y - c.r - 20, c.x + c.r + 20, c.y + c.r + 20);
    for (const n of clusters.get(focus)) {
      const tr = body.insertRow();
      for (const v of [n.name, n.level, n.code || '', n.prefix || '', n.loopback || '', n.vlan ?? '']) tr.insertCell().textContent = String(v);
      if (flagged.has(n.id)) tr.className = 'flagged';
      tr.addEventListener('click', () => select(n, true));
    }
    table.hidden = false;
  });

  // findings
  const list = document.getElementById('findings');
  for (const f of data.findings) {
    const li = document.createElement('li');
    li.className = f.level;
    li.textContent = f.rule + ' ' + f.level + ': ' + f.message;
    if (f.point && byId.has(f.point)) li.addEventListener('click', () => select(byId.get(f.point), true));
    list.append(li);
  }
  document.getElementById('finding-count').textContent = String(data.findings.length);

  // pan with the mouse, zoom with the wheel, pick with a click
  let drag = null;
  canvas.addEventListener('mousedown', (e) => (drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false }));
  addEventListener('mouseup', (e) => {
    if (drag && !drag.moved) {
      const box = canvas.getBoundingClientRect();
      const wx = (e.clientX - box.left - view.x) / view.scale;
      const wy = (e.clientY - box.top - view.y) / view.scale;
      let best = null;
      let bestD = (10 / view.scale) ** 2;
      for (const n of nodes) {
        const d = (n.x - wx) ** 2 + (n.y - wy) ** 2;
        if (d < bestD) (best = n), (bestD = d);
      }
      if (best) select(best, false);
    }
    drag = null;
  });
  addEventListener('mousemove', (e) => {
    if (!drag) return;
    drag.moved = drag.moved || Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3;
    view.x = drag.vx + e.clientX - drag.x;
    view.y = drag.vy + e.clientY - drag.y;
    draw();
  });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const box = canvas.getBoundingClientRect();
    const mx = e.clientX - box.left;
    const my = e.clientY - box.top;
    const k = Math.exp(-e.deltaY * 0.0015);
    view.x = mx - (mx - view.x) * k;
    view.y = my - (my - view.y) * k;
    view.scale *= k;
    draw();
  }, { passive: false });
  document.getElementById('reset').addEventListener('click', () => {
    picker.value = '';
    picker.dispatchEvent(new Event('change'));
  });

  const counts = {};
  for (const n of nodes) counts[n.level] = (counts[n.level] || 0) + 1;
  const status = document.getElementById('count');
  status.textContent = nodes.length + ' points (' + Object.entries(counts).map(([k, v]) => v + ' ' + k).join(', ') + ') · ' + links.length + ' links';
  canvas.dataset.nodes = String(nodes.length);
  addEventListener('resize', resize);
  resize();
  fitAll();
  document.body.dataset.ready = 'true';
})();`;
