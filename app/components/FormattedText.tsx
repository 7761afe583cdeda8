import { Fragment } from 'react';
import { parseWhatsAppFormat, type FormatNode } from '../lib/whatsapp-format';

export interface IFormattedTextProps {
  text: string;
}

function renderNodes(nodes: FormatNode[]) {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return <Fragment key={index}>{node.text}</Fragment>;
      case 'mono':
        return <code key={index}>{node.text}</code>;
      case 'bold':
        return <strong key={index}>{renderNodes(node.children)}</strong>;
      case 'italic':
        return <em key={index}>{renderNodes(node.children)}</em>;
      default:
        return <s key={index}>{renderNodes(node.children)}</s>;
    }
  });
}

/** Text with WhatsApp's *bold*, _italic_, ~strike~ and ```monospace``` drawn as WhatsApp does. */
export function FormattedText({ text }: IFormattedTextProps) {
  return <>{renderNodes(parseWhatsAppFormat(text))}</>;
}
