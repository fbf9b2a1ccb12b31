"""Bank authoring in the browser: upload with preview and diff, publish, download, edit
one item, turn a pasted 应知应会 document into a draft bank, derive practice items."""
