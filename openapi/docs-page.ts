/** Renders the static API reference page (served at /docs): self-contained HTML, no scripts. */
type Doc = {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  paths?: Record<string, Record<string, Operation>>;
};
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, { description?: string }>;
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const renderOperation = (method: string, path: string, base: string, op: Operation) => {
  const scopes = (op.security ?? []).flatMap((r) => Object.values(r).flat());
  const params = (op.parameters ?? []).map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})`).join(', ');
  const body = Object.values(op.requestBody?.content ?? {})[0]?.schema?.$ref?.split('/').pop();
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${esc(status)}</b> ${esc(r.description ?? '')}</li>`)
    .join('');
  return `<section class="op" id="${esc(op.operationId ?? '')}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(base + path)}</code></h3>
<p><b>${esc(op.summary ?? '')}</b> <small>operationId <code>${esc(op.operationId ?? '')}</code></small></p>
${op.description ? `<p>${esc(op.description)}</p>` : ''}
<p>Scopes: ${scopes.length ? scopes.map((s) => `<code>${esc(s)}</code>`).join(' ') : 'none (public)'}</p>
${params ? `<p>Parameters: ${params}</p>` : ''}
${body ? `<p>Body: <code>${esc(body)}</code></p>` : ''}
<ul>${responses}</ul></section>`;
};

export const renderDocsPage = (documents: Record<string, Doc>): string => {
  const sections = Object.entries(documents)
    .map(([name, doc]) => {
      const base = doc.servers?.[0]?.url ?? '';
      const ops = Object.entries(doc.paths ?? {})
        .flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => renderOperation(m, path, base, op)))
        .join('\n');
      return `<h2>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h2>
<p>${esc(doc.info.description ?? '')} Machine-readable: <a href="/openapi/${esc(name)}.json">/openapi/${esc(name)}.json</a></p>
${ops}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strata API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code{font:13px ui-monospace,monospace;background:#f3f4f6;padding:0 .25rem;border-radius:3px}
.op{border:1px solid #d8dee4;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.m{font:600 12px ui-monospace,monospace;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#57606a}
.m.get{background:#0969da}.m.post{background:#1a7f37}.m.delete{background:#cf222e}.m.patch,.m.put{background:#9a6700}
h2{border-bottom:1px solid #d8dee4;margin-top:2.5rem}
</style></head><body>
<h1>Strata API reference</h1>
<p>Every operation needs an RFC 9068 JWT access token (<code>Authorization: Bearer …</code>) with the scopes listed. Errors are RFC 9457 <code>application/problem+json</code> with a stable <code>code</code> and the request's <code>traceId</code>. Fields marked <code>x-pii</code> in the documents are masked unless the token carries <code>pii:read</code>.</p>
${sections}
</body></html>
`;
};
