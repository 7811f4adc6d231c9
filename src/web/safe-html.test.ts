import { describe, expect, it } from 'vitest';
import { h, SafeHtml } from './safe-html.js';

describe('h', () => {
  it('escapes interpolated text, in content and in attributes', () => {
    const caption = `"><script>alert('x')</script>&`;
    expect(h`<p title="${caption}">${caption}</p>`.text).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('keeps markup it built, joins arrays and drops empty values', () => {
    const items = ['a<b', 'c'].map((text) => h`<li>${text}</li>`);
    expect(h`<ul>${items}</ul>${undefined}${null}${false}${0}`.text).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>0',
    );
    expect(h`${new SafeHtml('<br>')}`.text).toBe('<br>');
  });
});
