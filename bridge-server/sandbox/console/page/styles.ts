/** Shared look of the console: panes, buttons, inputs, the WhatsApp-like bubbles. */
import styled, { css } from 'styled-components';

export const colors = {
  waGreen: '#25d366',
  waDark: '#075e54',
  waBubbleOut: '#d9fdd3',
  waBubbleIn: '#ffffff',
  waBackground: '#efeae2',
  tickBlue: '#53bdeb',
  zdNote: '#fff6db',
  zdBorder: '#d8dcde',
  text: '#1f2d33',
  muted: '#68737d',
  danger: '#cc3340',
};

export const Pane = styled.section`
  display: flex;
  flex-direction: column;
  min-width: 0;
  min-height: 0;
  background: #fff;
  border: 1px solid ${colors.zdBorder};
  border-radius: 8px;
  overflow: hidden;
`;

export const PaneTitle = styled.h2`
  margin: 0;
  padding: 10px 12px;
  font-size: 15px;
  border-bottom: 1px solid ${colors.zdBorder};
`;

export const Button = styled.button<{ $primary?: boolean; $small?: boolean }>`
  font: inherit;
  font-size: ${(p) => (p.$small ? '12px' : '14px')};
  padding: ${(p) => (p.$small ? '2px 8px' : '6px 12px')};
  border-radius: 6px;
  border: 1px solid ${colors.zdBorder};
  background: #fff;
  color: ${colors.text};
  cursor: pointer;
  &:hover:not(:disabled) {
    background: #f3f5f6;
  }
  &:disabled {
    opacity: 0.55;
    cursor: default;
  }
  ${(p) =>
    p.$primary &&
    css`
      background: ${colors.waDark};
      border-color: ${colors.waDark};
      color: #fff;
      &:hover:not(:disabled) {
        background: #0a4a42;
      }
    `}
`;

export const Input = styled.input`
  font: inherit;
  font-size: 14px;
  padding: 6px 8px;
  border: 1px solid ${colors.zdBorder};
  border-radius: 6px;
  min-width: 0;
`;

export const TextArea = styled.textarea`
  font: inherit;
  font-size: 14px;
  padding: 6px 8px;
  border: 1px solid ${colors.zdBorder};
  border-radius: 6px;
  resize: vertical;
  min-height: 56px;
`;

export const Label = styled.label`
  display: flex;
  flex-direction: column;
  gap: 2px;
  font-size: 12px;
  color: ${colors.muted};
`;

export const Alert = styled.p`
  margin: 6px 0;
  padding: 6px 8px;
  border-radius: 6px;
  background: #fff0f1;
  color: ${colors.danger};
  font-size: 13px;
`;

export const List = styled.ul`
  list-style: none;
  margin: 0;
  padding: 0;
  overflow-y: auto;
`;

/** A pane's list to pick from (customers, tickets): full-width rows, the current one tinted. */
export const PickList = styled(List)<{ $maxHeight: number; $current: string }>`
  max-height: ${(p) => p.$maxHeight}px;
  border-bottom: 1px solid ${colors.zdBorder};
  li button {
    width: 100%;
    text-align: start;
    border: 0;
    border-bottom: 1px solid #f0f0f0;
    background: #fff;
    padding: 6px 12px;
    font: inherit;
    cursor: pointer;
  }
  li button[aria-current='true'] {
    background: ${(p) => p.$current};
  }
`;

export const Muted = styled.span`
  color: ${colors.muted};
  font-size: 12px;
`;
