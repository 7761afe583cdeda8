/** The console's one HTML page: a root for React and the bundled script. */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp for Zendesk — sandbox console</title>
<style>html,body{margin:0;height:100%;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans SC","Noto Sans Arabic",sans-serif;background:#eef1f3;color:#1f2d33}#root{height:100%}</style>
</head>
<body>
<div id="root"><p style="padding:16px">Loading the console…</p></div>
<noscript>The sandbox console needs JavaScript.</noscript>
<script src="/console.js"></script>
</body>
</html>
`;
}
