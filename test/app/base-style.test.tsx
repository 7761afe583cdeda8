/** The sidebar's base text (app/components/BaseStyle.tsx), as the CSS the iframe gets. */
import { renderToString } from 'react-dom/server';
import { ServerStyleSheet } from 'styled-components';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { BaseStyle } from '../../app/components/BaseStyle';

describe('the base font', () => {
  it('sets the body in Garden’s system font, base size and text colour (not the browser’s serif)', () => {
    // jest resolves styled-components' Node build, which injects global styles only through a
    // ServerStyleSheet: collect them there (the browser build injects the same rules).
    const sheet = new ServerStyleSheet();
    renderToString(
      sheet.collectStyles(
        <ThemeProvider theme={DEFAULT_THEME}>
          <BaseStyle />
        </ThemeProvider>,
      ),
    );
    const css = sheet.getStyleTags();
    sheet.seal();
    const body = /(?:^|[}\s])body\{([^}]*)\}/.exec(css)?.[1] ?? '';
    expect(body).toContain(`font-family:${DEFAULT_THEME.fonts.system};`);
    expect(body).toContain(`font-size:${DEFAULT_THEME.fontSizes.md};`);
    expect(body).toContain(`line-height:${DEFAULT_THEME.lineHeights.md};`);
    expect(body).toMatch(/(^|;)color:#[0-9a-f]{6};/i);
  });
});
