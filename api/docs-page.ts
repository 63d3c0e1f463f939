import type { RequestHandler } from 'express';

/**
 * A self-contained page that renders the OpenAPI document for people, in Vietnamese: every
 * path and method with its summary, parameters, request body and responses, and the schemas.
 * No external script or stylesheet: the machines this runs on may have no internet.
 */
export function docsPageHtml(specUrl: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tài liệu API</title>
<style>
  :root { --fg: #1d2433; --muted: #5b6478; --line: #dde2ea; --bg: #f6f8fb; --code: #eef1f6; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
  header { padding: 20px 28px; border-bottom: 1px solid var(--line); background: var(--bg); }
  header h1 { margin: 0 0 4px; font-size: 22px; }
  header p { margin: 6px 0 0; color: var(--muted); max-width: 70em; }
  .layout { display: flex; align-items: flex-start; }
  nav { position: sticky; top: 0; width: 300px; max-height: 100vh; overflow: auto; padding: 16px; border-right: 1px solid var(--line); flex-shrink: 0; font-size: 13px; }
  nav input { width: 100%; padding: 6px 8px; margin-bottom: 12px; border: 1px solid var(--line); border-radius: 4px; }
  nav h3 { margin: 14px 0 4px; font-size: 13px; text-transform: uppercase; color: var(--muted); }
  nav a { display: block; padding: 2px 0; color: var(--fg); text-decoration: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  nav a:hover { text-decoration: underline; }
  main { flex: 1; min-width: 0; padding: 8px 28px 60px; }
  h2.tag { margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); font-size: 19px; }
  section.op { margin: 14px 0; border: 1px solid var(--line); border-radius: 6px; }
  section.op > .head { display: flex; gap: 10px; align-items: center; padding: 10px 14px; background: var(--bg); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
  section.op .body { padding: 4px 14px 12px; }
  .method { font: bold 12px/1 ui-monospace, monospace; padding: 5px 8px; border-radius: 4px; color: #fff; text-transform: uppercase; min-width: 58px; text-align: center; }
  .get { background: #2f7bd8; } .post { background: #2e9b5f; } .patch { background: #c98a12; } .put { background: #8a5cc9; } .delete { background: #c94242; }
  .path { font: 600 14px ui-monospace, monospace; }
  .summary { color: var(--muted); }
  .auth { margin-left: auto; font-size: 12px; color: var(--muted); }
  h4 { margin: 14px 0 6px; font-size: 14px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
  th { color: var(--muted); font-weight: 600; }
  code, .mono { font-family: ui-monospace, monospace; font-size: 12.5px; background: var(--code); padding: 1px 4px; border-radius: 3px; }
  .req { color: #c94242; font-size: 11px; font-weight: 600; }
  .type { color: #6b3fa0; font-family: ui-monospace, monospace; font-size: 12.5px; }
  .constraint { color: var(--muted); font-size: 12px; }
  ul.schema { list-style: none; margin: 0; padding-left: 16px; border-left: 1px dashed var(--line); }
  ul.schema > li { margin: 3px 0; }
  .status { font: bold 13px ui-monospace, monospace; }
  .s2 { color: #2e9b5f; } .s4 { color: #c98a12; } .s5 { color: #c94242; }
  .error { padding: 20px; color: #c94242; }
  .hidden { display: none; }
</style>
</head>
<body>
<header>
  <h1 id="title">Tài liệu API</h1>
  <div id="meta" class="summary">Đang tải tài liệu từ <a href="${specUrl}">${specUrl}</a>…</div>
  <p id="description"></p>
</header>
<div class="layout">
  <nav><input id="filter" type="search" placeholder="Lọc theo đường dẫn hoặc mô tả…" aria-label="Lọc"><div id="toc"></div></nav>
  <main id="content"></main>
</div>
<script>
(function () {
  'use strict';
  var SPEC_URL = ${JSON.stringify(specUrl)};
  var METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  var WHERE = { path: 'đường dẫn', query: 'chuỗi truy vấn', header: 'tiêu đề', cookie: 'cookie' };
  var FORMATS = { 'date-time': 'thời điểm ISO 8601 có múi giờ', date: 'ngày YYYY-MM-DD', email: 'email', uri: 'URI' };
  var spec;

  function esc(value) {
    return String(value).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  // Only \`code\` spans are rendered; everything else is escaped text.
  function text(value) {
    return esc(value || '').replace(/\`([^\`]+)\`/g, '<code>$1</code>');
  }
  function anchor(kind, name) { return kind + '-' + String(name).replace(/[^A-Za-z0-9_-]+/g, '-'); }
  function refName(ref) { return decodeURIComponent(ref.split('/').pop()); }
  function resolve(schema) {
    var seen = 0;
    while (schema && schema.$ref && seen++ < 20) {
      var parts = schema.$ref.replace(/^#\\//, '').split('/');
      var target = spec;
      for (var i = 0; i < parts.length && target; i++) target = target[decodeURIComponent(parts[i])];
      schema = target;
    }
    return schema || {};
  }

  function typeLabel(s) {
    if (!s) return 'bất kỳ';
    if (s.$ref) return '<a href="#' + anchor('schema', refName(s.$ref)) + '">' + esc(refName(s.$ref)) + '</a>';
    if (s.oneOf || s.anyOf) return 'một trong ' + (s.oneOf || s.anyOf).length + ' dạng';
    if (s.allOf) return 'kết hợp';
    var t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
    if (t === 'array') return 'mảng của ' + typeLabel(s.items);
    if (!t && s.enum) return 'một trong các giá trị';
    return esc(t || 'bất kỳ') + (s.format ? ' <span class="constraint">(' + esc(FORMATS[s.format] || s.format) + ')</span>' : '');
  }

  function constraints(s) {
    var out = [];
    if (!s) return '';
    if (s.enum) out.push('giá trị: ' + s.enum.map(function (v) { return '<code>' + esc(JSON.stringify(v)) + '</code>'; }).join(', '));
    if (s.minLength !== undefined) out.push('tối thiểu ' + s.minLength + ' ký tự');
    if (s.maxLength !== undefined) out.push('tối đa ' + s.maxLength + ' ký tự');
    if (s.minimum !== undefined) out.push('≥ ' + s.minimum);
    if (s.maximum !== undefined) out.push('≤ ' + s.maximum);
    if (s.exclusiveMinimum !== undefined) out.push('> ' + s.exclusiveMinimum);
    if (s.exclusiveMaximum !== undefined) out.push('< ' + s.exclusiveMaximum);
    if (s.minItems !== undefined) out.push('tối thiểu ' + s.minItems + ' phần tử');
    if (s.maxItems !== undefined) out.push('tối đa ' + s.maxItems + ' phần tử');
    if (s.pattern) out.push('mẫu <code>' + esc(s.pattern) + '</code>');
    if (s['default'] !== undefined) out.push('mặc định <code>' + esc(JSON.stringify(s['default'])) + '</code>');
    if (s.example !== undefined) out.push('ví dụ <code>' + esc(JSON.stringify(s.example)) + '</code>');
    return out.length ? ' <span class="constraint">— ' + out.join('; ') + '</span>' : '';
  }

  // A schema as a nested list; named schemas are linked, not expanded, so cycles cannot loop.
  function schemaTree(s, depth) {
    depth = depth || 0;
    if (!s || s.$ref || depth > 8) return '';
    var html = '';
    if (s.description && depth === 0) html += '<p>' + text(s.description) + '</p>';
    var variants = s.oneOf || s.anyOf;
    if (variants) {
      html += '<ul class="schema">' + variants.map(function (v, i) {
        return '<li>Dạng ' + (i + 1) + ': <span class="type">' + typeLabel(v) + '</span>' + constraints(v) + schemaTree(v, depth + 1) + '</li>';
      }).join('') + '</ul>';
    }
    if (s.type === 'array' && s.items && !s.items.$ref) return html + schemaTree(s.items, depth + 1);
    if (s.properties) {
      var required = s.required || [];
      html += '<ul class="schema">' + Object.keys(s.properties).map(function (name) {
        var p = s.properties[name];
        return '<li><span class="mono">' + esc(name) + '</span> <span class="type">' + typeLabel(p) + '</span>' +
          (required.indexOf(name) >= 0 ? ' <span class="req">bắt buộc</span>' : '') + constraints(p) +
          (p.description ? ' — ' + text(p.description) : '') + schemaTree(p, depth + 1) + '</li>';
      }).join('') + '</ul>';
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length === 0 && !s.properties) {
      html += '<div class="constraint">Đối tượng với các trường tùy ý.</div>';
    }
    return html;
  }

  // Request bodies and successful answers are expanded in place; errors only link to Problem.
  function content(c, expand) {
    if (!c) return '';
    return Object.keys(c).map(function (type) {
      var s = c[type].schema;
      return '<div><span class="mono">' + esc(type) + '</span>' + (s ? ': <span class="type">' + typeLabel(s) + '</span>' + constraints(s) : '') +
        schemaTree(expand && s && s.$ref ? resolve(s) : s) + '</div>';
    }).join('');
  }

  function parametersTable(params) {
    if (!params || !params.length) return '';
    return '<h4>Tham số</h4><table><tr><th>Tên</th><th>Vị trí</th><th>Kiểu</th><th>Mô tả</th></tr>' + params.map(function (p) {
      p = resolve(p);
      return '<tr><td><span class="mono">' + esc(p.name) + '</span>' + (p.required ? ' <span class="req">bắt buộc</span>' : '') + '</td><td>' +
        esc(WHERE[p['in']] || p['in']) + '</td><td><span class="type">' + typeLabel(p.schema) + '</span>' + constraints(p.schema) + '</td><td>' + text(p.description) + '</td></tr>';
    }).join('') + '</table>';
  }

  function responses(rs) {
    return '<h4>Kết quả trả về</h4><table><tr><th>Mã</th><th>Ý nghĩa</th><th>Nội dung</th></tr>' + Object.keys(rs || {}).map(function (code) {
      var r = resolve(rs[code]);
      var headers = r.headers ? Object.keys(r.headers).map(function (h) { return '<div>Tiêu đề <span class="mono">' + esc(h) + '</span>: ' + text(resolve(r.headers[h]).description) + '</div>'; }).join('') : '';
      return '<tr><td class="status s' + esc(code.charAt(0)) + '">' + esc(code) + '</td><td>' + text(r.description) + '</td><td>' + content(r.content, code.charAt(0) === '2') + headers + '</td></tr>';
    }).join('') + '</table>';
  }

  function operation(path, method, op) {
    var secured = (op.security || spec.security || []).length > 0;
    var id = anchor('op', op.operationId || method + path);
    var body = op.requestBody ? resolve(op.requestBody) : null;
    return '<section class="op" id="' + id + '" data-search="' + esc((method + ' ' + path + ' ' + (op.summary || '') + ' ' + (op.description || '')).toLowerCase()) + '">' +
      '<div class="head"><span class="method ' + esc(method) + '">' + esc(method) + '</span><span class="path">' + esc(path) + '</span>' +
      '<span class="summary">' + text(op.summary) + '</span><span class="auth">' + (secured ? '🔒 Cần mã truy cập' : 'Không cần mã truy cập') + '</span></div>' +
      '<div class="body">' + (op.description ? '<p>' + text(op.description) + '</p>' : '') +
      (op.operationId ? '<div class="constraint">operationId: <span class="mono">' + esc(op.operationId) + '</span></div>' : '') +
      parametersTable(op.parameters) +
      (body ? '<h4>Dữ liệu gửi lên' + (body.required ? ' <span class="req">bắt buộc</span>' : '') + '</h4>' + (body.description ? '<p>' + text(body.description) + '</p>' : '') + content(body.content, true) : '') +
      responses(op.responses) + '</div></section>';
  }

  function render() {
    document.getElementById('title').textContent = spec.info.title;
    document.title = spec.info.title + ' — Tài liệu API';
    document.getElementById('meta').innerHTML = 'Phiên bản ' + esc(spec.info.version) + ' · OpenAPI ' + esc(spec.openapi) + ' · <a href="' + esc(SPEC_URL) + '">' + esc(SPEC_URL) + '</a>';
    document.getElementById('description').innerHTML = text(spec.info.description);
    var groups = {};
    var order = (spec.tags || []).map(function (t) { return t.name; });
    Object.keys(spec.paths || {}).forEach(function (path) {
      METHODS.forEach(function (method) {
        var op = spec.paths[path][method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || 'Khác';
        if (order.indexOf(tag) < 0) order.push(tag);
        (groups[tag] = groups[tag] || []).push({ path: path, method: method, op: op });
      });
    });
    var toc = '', main = '';
    order.forEach(function (tag) {
      var ops = groups[tag];
      if (!ops) return;
      toc += '<h3>' + esc(tag) + '</h3>';
      main += '<h2 class="tag" id="' + anchor('tag', tag) + '">' + esc(tag) + '</h2>';
      ops.forEach(function (o) {
        toc += '<a data-op="' + anchor('op', o.op.operationId || o.method + o.path) + '" href="#' + anchor('op', o.op.operationId || o.method + o.path) + '"><b>' + esc(o.method.toUpperCase()) + '</b> ' + esc(o.path) + '</a>';
        main += operation(o.path, o.method, o.op);
      });
    });
    var schemas = (spec.components && spec.components.schemas) || {};
    toc += '<h3>Cấu trúc dữ liệu</h3>';
    main += '<h2 class="tag" id="schemas">Cấu trúc dữ liệu</h2>';
    Object.keys(schemas).forEach(function (name) {
      toc += '<a href="#' + anchor('schema', name) + '">' + esc(name) + '</a>';
      main += '<section class="op" id="' + anchor('schema', name) + '"><div class="head"><span class="path">' + esc(name) + '</span><span class="summary">' +
        typeLabel(schemas[name]) + '</span></div><div class="body">' + schemaTree(schemas[name]) + '</div></section>';
    });
    document.getElementById('toc').innerHTML = toc;
    document.getElementById('content').innerHTML = main;
  }

  document.getElementById('filter').addEventListener('input', function (e) {
    var q = e.target.value.trim().toLowerCase();
    document.querySelectorAll('section.op[data-search]').forEach(function (s) {
      var hide = q && s.getAttribute('data-search').indexOf(q) < 0;
      s.classList.toggle('hidden', !!hide);
      var link = document.querySelector('nav a[data-op="' + s.id + '"]');
      if (link) link.classList.toggle('hidden', !!hide);
    });
  });

  fetch(SPEC_URL).then(function (r) {
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  }).then(function (json) { spec = json; render(); }).catch(function (err) {
    document.getElementById('content').innerHTML = '<div class="error">Không tải được tài liệu OpenAPI: ' + esc(err.message) + '</div>';
  });
})();
</script>
</body>
</html>
`;
}

/** `GET /docs`: the page above, built once. */
export function docsPage(specUrl: string): RequestHandler {
  const html = docsPageHtml(specUrl);
  return (_req, res) => {
    res.type('html').send(html);
  };
}
