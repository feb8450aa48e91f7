// The logical structure of a tagged Dossier PDF (PDF 32000 §14.7): a Document element holding
// headings, paragraphs and lists, each pointing at the marked-content sequences (MCIDs) that draw
// its text, plus the parent tree that leads from a page's MCID back to its element. This is what a
// screen reader follows, and what `pdfinfo` and veraPDF's PDF/UA profile look for. An element in
// another language than the document's (a Span of a vendor's French words in an English export)
// carries its own /Lang (PDF/UA-1 §7.2).
import { PDFName, PDFNumber, PDFObject, type PDFContext, type PDFDocument, type PDFRef } from 'pdf-lib';

export type StructureType = 'Document' | 'H1' | 'H2' | 'H3' | 'P' | 'L' | 'LI' | 'Lbl' | 'LBody' | 'Span';

/** A language an element may be marked in: a BCP 47 tag of letters and hyphens (`fr`, `en-CA`). */
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** A marked-content sequence: an MCID on a page. */
interface MarkedContent {
  page: number;
  mcid: number;
}

export class StructureElement {
  readonly kids: (StructureElement | MarkedContent)[] = [];
  ref?: PDFRef;
  constructor(
    readonly type: StructureType,
    readonly parent?: StructureElement,
    /** Its natural language, when it differs from the document's (written as /Lang). */
    readonly language?: string,
  ) {
    if (language !== undefined && !LANGUAGE_TAG.test(language)) throw new Error(`"${language}" is not a language tag; give one such as "fr" or "en-CA".`);
  }

  child(type: StructureType, language?: string): StructureElement {
    const element = new StructureElement(type, this, language);
    this.kids.push(element);
    return element;
  }

  /** First page this element or its descendants draw on. */
  firstPage(): number | undefined {
    for (const kid of this.kids) {
      const page = kid instanceof StructureElement ? kid.firstPage() : kid.page;
      if (page !== undefined) return page;
    }
    return undefined;
  }
}

/**
 * An object written as given. A 1,000-vendor statement has tens of thousands of structure
 * elements; building each as pdf-lib dictionaries of names and numbers cost more than drawing the
 * text, while their serialized form is a short ASCII string.
 */
class PreformattedObject extends PDFObject {
  constructor(private readonly text: string) {
    super();
  }
  clone(): PDFObject {
    return new PreformattedObject(this.text);
  }
  toString(): string {
    return this.text;
  }
  sizeInBytes(): number {
    return this.text.length;
  }
  copyBytesInto(buffer: Uint8Array, offset: number): number {
    for (let i = 0; i < this.text.length; i++) buffer[offset + i] = this.text.charCodeAt(i);
    return this.text.length;
  }
}

/** Collects the structure while the document is laid out; `write` turns it into PDF objects. */
export class StructureTree {
  readonly root = new StructureElement('Document');
  /** Per page, the element of each MCID (index = MCID). */
  private readonly parents: StructureElement[][] = [];

  /** Records that `element` is drawn by a new marked-content sequence on `page`; returns its MCID. */
  mark(element: StructureElement, page: number): number {
    const onPage = (this.parents[page] ??= []);
    const mcid = onPage.length;
    onPage.push(element);
    element.kids.push({ page, mcid });
    return mcid;
  }

  write(pdf: PDFDocument, pageRefs: PDFRef[]): void {
    const { context } = pdf;
    const rootRef = context.nextRef();
    assignRefs(context, this.root);
    const elements: StructureElement[] = [];
    collect(this.root, elements);
    for (const element of elements) {
      const page = element.firstPage();
      const kids = element.kids.map((kid) => {
        if (kid instanceof StructureElement) return kid.ref!.toString();
        return kid.page === page ? String(kid.mcid) : `<</Type /MCR /Pg ${pageRefs[kid.page]} /MCID ${kid.mcid}>>`;
      });
      const parent = element.parent ? element.parent.ref!.toString() : rootRef.toString();
      const pg = page === undefined ? '' : ` /Pg ${pageRefs[page]}`;
      const lang = element.language === undefined ? '' : ` /Lang (${element.language})`;
      context.assign(element.ref!, new PreformattedObject(`<</Type /StructElem /S /${element.type} /P ${parent}${pg}${lang} /K [${kids.join(' ')}]>>`));
    }
    const nums = pageRefs.map((_, i) => `${i} [${(this.parents[i] ?? []).map((e) => e.ref!.toString()).join(' ')}]`);
    const parentTree = context.register(new PreformattedObject(`<</Nums [${nums.join(' ')}]>>`));
    context.assign(
      rootRef,
      context.obj({ Type: 'StructTreeRoot', K: this.root.ref!, ParentTree: parentTree, ParentTreeNextKey: pageRefs.length }),
    );
    pdf.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
    pdf.getPages().forEach((page, i) => {
      page.node.set(PDFName.of('StructParents'), PDFNumber.of(i));
      // Reading order of annotations follows the structure (PDF/UA-1 §7.18.3).
      page.node.set(PDFName.of('Tabs'), PDFName.of('S'));
    });
  }
}

function assignRefs(context: PDFContext, element: StructureElement): void {
  element.ref = context.nextRef();
  for (const kid of element.kids) if (kid instanceof StructureElement) assignRefs(context, kid);
}

function collect(element: StructureElement, into: StructureElement[]): void {
  into.push(element);
  for (const kid of element.kids) if (kid instanceof StructureElement) collect(kid, into);
}
