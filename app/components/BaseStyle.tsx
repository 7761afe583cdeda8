import { createGlobalStyle } from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';

/**
 * The iframe's base text: Zendesk's CSS does not reach into an app's iframe, so without this the
 * sidebar falls back to the browser's serif font. Garden's system font stack, base size, line
 * height and text colour, on a transparent background (the sidebar's own shows through), as
 * Zendesk's apps set them (Garden's css-bedrock does the same for whole pages).
 */
export const BaseStyle = createGlobalStyle`
  html,
  body {
    margin: 0;
    background: transparent;
  }

  body {
    font-family: ${(p) => p.theme.fonts.system};
    font-size: ${(p) => p.theme.fontSizes.md};
    line-height: ${(p) => p.theme.lineHeights.md};
    color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.default' })};
    -webkit-font-smoothing: antialiased;
    -moz-osx-font-smoothing: grayscale;
    text-size-adjust: 100%;
  }
`;
