import { expect } from 'chai';
import { escapeControlChars } from '../../src/util/escape-control-chars.ts';

describe('escapeControlChars', () => {
  it('shows ESC, BEL, CR, NUL, DEL and C1 controls as text, and keeps line feeds, tabs and other text', () => {
    const hostile = 'api\u001b]0;pwned\u0007\u001b[2J\rover\u0000\u007f\u009b31m\nnext\ttab Zürich 😀';
    expect(escapeControlChars(hostile)).to.equal('api\\x1b]0;pwned\\x07\\x1b[2J\\rover\\0\\x7f\\x9b31m\nnext\ttab Zürich 😀');
  });

  it('leaves no character a terminal acts on except line feed and tab', () => {
    let every = '';
    for (let code = 0; code < 0x100; code++) every += String.fromCharCode(code);
    expect(escapeControlChars(every)).not.to.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
