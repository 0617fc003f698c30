// What the browser tests measure on a rendered page (evaluated over DevTools: the page's CSP
// runs no script of its own). Boxes are [left, top, width, height] in page pixels.
(() => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.width, r.height];
  };
  const lines = (rects) => new Set([...rects].map((r) => Math.round(r.top))).size;
  const wrapped = [];
  const date = /\d{4}[-\u2011]\d{2}[-\u2011]\d{2}/g;
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const found of node.data.matchAll(date)) {
        const range = document.createRange();
        range.setStart(node, found.index);
        range.setEnd(node, found.index + found[0].length);
        if (lines(range.getClientRects()) > 1) wrapped.push(found[0]);
      }
    }
  }
  const styled = (e) => {
    const style = getComputedStyle(e);
    return { box: box(e), text: e.textContent, background: style.backgroundColor,
             color: style.color, lines: lines(e.getClientRects()) };
  };
  return {
    viewport: innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    widest: Math.max(...[...document.querySelectorAll("main *")].map((e) => box(e)[0] + box(e)[2])),
    regions: [...document.querySelectorAll(".region")].map(box),
    regionFrame: [...document.querySelectorAll(".region")].map((e) => getComputedStyle(e).outlineColor),
    lozenges: [...document.querySelectorAll(".lozenge")].map(styled),
    mentions: [...document.querySelectorAll(".mention")].map(styled),
    wrappedDates: wrapped,
  };
})()
