// What makes a Dossier PDF archival (PDF/A-3b) and announces it accessible (PDF/UA-1): XMP metadata
// that repeats the document information exactly, an sRGB output intent, and a trailer /ID derived
// from the content, so the same input still gives the same bytes. Checked by veraPDF in the tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFString, type PDFDocument } from 'pdf-lib';
import { zoneOffsetMs } from '../../workflows/time';
import { deflated, flateStreamOf } from './deflate';

export interface ArchivalMetadata {
  title: string;
  /** Its authors: several (a joint statement's authorities) are each a creator of their own in the XMP. */
  author: string | readonly string[];
  subject: string;
  keywords: string[];
  language: string;
  creator: string;
  producer: string;
  date: Date;
  /** The zone whose wall clock and offset the dates are written in; UTC if absent. */
  timeZone?: string;
}

/**
 * A document date as the Info dictionary (`D:20261130000000-05'00'`) and XMP
 * (`2026-11-30T00:00:00-05:00`) write it: the zone's wall-clock time with its offset, so a viewer
 * in another zone shows the same instant, and a day dated in Toronto is not read as the day before.
 * UTC is written `Z`, as pdf-lib writes it.
 */
export function documentDates(date: Date, timeZone = 'UTC'): { info: string; xmp: string } {
  const offset = Math.round(zoneOffsetMs(date.getTime(), timeZone) / 60_000);
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const digits = local.replace(/[-T:]/g, '');
  if (offset === 0) return { info: `D:${digits}Z`, xmp: `${local}Z` };
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return { info: `D:${digits}${sign}${hours}'${minutes}'`, xmp: `${local}${sign}${hours}:${minutes}` };
}

let srgbProfile: Uint8Array | undefined;
/**
 * The sRGB ICC profile (from Debian's icc-profiles-free; see assets/README.md), compressed once for
 * the process: every document carries the same bytes.
 */
function srgbDeflated(): Uint8Array {
  srgbProfile ??= deflated(readFileSync(join(__dirname, 'assets', 'sRGB.icc')));
  return srgbProfile;
}

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The XMP packet: every entry equal to its Info counterpart, as PDF/A requires. */
export function xmpPacket(meta: ArchivalMetadata): string {
  const date = documentDates(meta.date, meta.timeZone).xmp;
  const lang = escapeXml(meta.language);
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq>${authorsOf(meta).map((a) => `<rdf:li>${escapeXml(a)}</rdf:li>`).join('')}</rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(meta.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>${lang}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>${escapeXml(meta.keywords.join(' '))}</pdf:Keywords>
   <pdf:Producer>${escapeXml(meta.producer)}</pdf:Producer>
   <xmp:CreatorTool>${escapeXml(meta.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>${date}</xmp:CreateDate>
   <xmp:ModifyDate>${date}</xmp:ModifyDate>
   <xmp:MetadataDate>${date}</xmp:MetadataDate>
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <pdfuaid:part>1</pdfuaid:part>
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

/** The document's authors, in the order given. */
function authorsOf(meta: Pick<ArchivalMetadata, 'author'>): readonly string[] {
  return typeof meta.author === 'string' ? [meta.author] : meta.author;
}

/**
 * Sets the document information, XMP metadata, output intent, /Lang, /MarkInfo and the display of
 * the title; the trailer /ID is set by `setDocumentId` once the content is known.
 */
export function makeArchival(pdf: PDFDocument, meta: ArchivalMetadata): void {
  pdf.setTitle(meta.title, { showInWindowTitleBar: true });
  // The Info dictionary has room for one text: several authors are joined in it, as readers without XMP show them.
  pdf.setAuthor(authorsOf(meta).join('; '));
  pdf.setSubject(meta.subject);
  pdf.setKeywords(meta.keywords);
  pdf.setLanguage(meta.language);
  pdf.setCreator(meta.creator);
  pdf.setProducer(meta.producer);
  pdf.setCreationDate(meta.date);
  pdf.setModificationDate(meta.date);
  const { context, catalog } = pdf;
  // pdf-lib writes dates in UTC only; the Info dictionary it made takes them with the zone's offset.
  const { info: date } = documentDates(meta.date, meta.timeZone);
  const info = context.lookup(context.trailerInfo.Info, PDFDict);
  info.set(PDFName.of('CreationDate'), PDFString.of(date));
  info.set(PDFName.of('ModDate'), PDFString.of(date));
  // PDF/A wants the metadata stream readable without decoding, hence no filter.
  const metadata = context.stream(Buffer.from(xmpPacket(meta), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), context.register(metadata));
  const profile = context.register(flateStreamOf(context, srgbDeflated(), { N: 3 }));
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFHexString.fromText('sRGB IEC61966-2.1'),
    Info: PDFHexString.fromText('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));
  catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }));
}

/** The trailer /ID: both halves from a digest of the content, never random (same input, same bytes). */
export function setDocumentId(pdf: PDFDocument, digest: Buffer): void {
  const id = PDFHexString.of(digest.subarray(0, 16).toString('hex'));
  pdf.context.trailerInfo.ID = PDFArray.withContext(pdf.context);
  (pdf.context.trailerInfo.ID as PDFArray).push(id);
  (pdf.context.trailerInfo.ID as PDFArray).push(id);
}
