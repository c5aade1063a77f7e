/**
 * Keyboard access to space-time diagrams: the events of a diagram form one tab stop; arrow keys move between
 * events and the focused event's description is shown under the figure (and announced). Hovering shows the same
 * text through the SVG <title> elements, which work with no script at all.
 */
export function enhanceFigures(root: ParentNode = document): void {
  for (const group of root.querySelectorAll<SVGGElement>('svg[data-hb-spacetime] g[data-hb-events]:not([data-enhanced])')) {
    group.dataset.enhanced = '';
    const figure = group.closest('figure');
    const circles = Array.from(group.querySelectorAll<SVGCircleElement>('circle[data-label]'));
    if (!figure || circles.length === 0) continue;
    const readout = document.createElement('p');
    readout.className = 'hb-event-readout';
    readout.setAttribute('aria-live', 'polite');
    readout.textContent = 'Focus the diagram and use the arrow keys to step through its events.';
    figure.querySelector('figcaption')?.after(readout);
    let index = 0;
    circles.forEach((circle, i) => {
      circle.setAttribute('tabindex', i === 0 ? '0' : '-1');
      circle.setAttribute('role', 'img');
      circle.setAttribute('aria-label', circle.dataset.label ?? '');
      circle.addEventListener('focus', () => { index = i; show(i); });
      circle.addEventListener('pointerenter', () => show(i));
    });
    function show(i: number): void {
      circles.forEach((circle, j) => circle.classList.toggle('hb-focused', j === i));
      readout.textContent = `Event ${i + 1} of ${circles.length}: ${circles[i].dataset.label}`;
    }
    group.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      const next = Math.max(0, Math.min(circles.length - 1, step === Infinity ? circles.length - 1 : step === -Infinity ? 0 : index + step));
      circles[index].setAttribute('tabindex', '-1');
      circles[next].setAttribute('tabindex', '0');
      circles[next].focus();
    });
  }
}
