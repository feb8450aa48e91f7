// The open letter as a PDF, the first document of every engagement: letterhead naming the lead
// authority and its co-signatories, reference and date, addressee, the campaign's body text and a
// signature block per signatory. Built on the PDF kit, so the same input gives the same bytes.
import { rgb } from 'pdf-lib';
import type { Authority, CampaignRef, Language, Vendor } from '../workflows/types';
import { LayoutDocument } from './pdf/document';
import { formatDate, joinAuthorityNames, joinNames } from './format';
import { renderLetterWording } from './templates';

export interface OpenLetterInput {
  campaign: CampaignRef;
  vendor: Vendor;
  language: Language;
  /**
   * The day the response is due, as the covering email states it (`MessageDetails.dueDate`, after the
   * send fixed it): the PDF is what a vendor forwards to its lawyers, and what is published. Absent in
   * copies kept before the letter went out.
   */
  dueDate?: string;
  /** The zone the email prints `dueDate` in (the lead authority's); UTC when absent, as the email does. */
  timeZone?: string;
}

const ACCENT = rgb(0.1, 0.2, 0.45);
const GREY = rgb(0.35, 0.35, 0.35);

/** The kit's pages are A4 (842 points high). */
const A4_HEIGHT = 842;

/**
 * The tallest block kept together on one page: three quarters of the space between the margins.
 * A taller one is split where it falls, since it would leave most of a page empty.
 */
export function keepTogetherLimit(doc: LayoutDocument): number {
  return (A4_HEIGHT - 2 * doc.margin) * 0.75;
}

/** Lead first, then the co-signatories in signing order. */
export function signatoriesInOrder(authorities: Authority[]): Authority[] {
  return [...authorities.filter((a) => a.lead), ...authorities.filter((a) => !a.lead)];
}

/** The attachment's file name: reference, vendor and language, safe on every file system. */
export function openLetterFileName({ campaign, vendor, language }: OpenLetterInput): string {
  return `${campaign.reference}-${vendor.id}-${language}.pdf`.replace(/[^A-Za-z0-9._-]+/g, '-');
}

export async function renderOpenLetter({ campaign, vendor, language, dueDate, timeZone }: OpenLetterInput): Promise<Uint8Array> {
  const [lead, ...coSignatories] = signatoriesInOrder(campaign.authorities);
  if (!lead) throw new Error(`Campaign ${campaign.id} has no signatory; add at least one authority, one of them with lead: true.`);
  const title = campaign.title[language];
  const wording = renderLetterWording(language, {
    reference: campaign.reference,
    letterDate: formatDate(campaign.letterDate, language),
    campaignTitle: title,
    recipientNames: joinNames(
      vendor.contacts.map((c) => c.name),
      language,
    ),
    // The salutation greets the addressee; further contacts (a legal department) are listed, not greeted.
    salutationName: vendor.contacts[0]?.name ?? vendor.name,
    dueDate: dueDate === undefined ? '' : formatDate(dueDate, language, timeZone),
  });
  const doc = await LayoutDocument.create(
    {
      title: `${wording.documentTitle} — ${vendor.name}`,
      author: [lead, ...coSignatories].map((a) => a.name[language]),
      subject: title,
      // One word each (the file joins them with spaces): the vendor by its id, its name being in the title.
      keywords: [campaign.reference, vendor.id, wording.keyword],
      language,
      date: campaign.letterDate,
    },
    { footerText: campaign.reference },
  );

  // Letterhead.
  doc.text(lead.name[language], { weight: 'bold', size: 14, color: ACCENT, spaceAfter: 2, field: `The lead authority's name (${language})` });
  if (coSignatories.length > 0) {
    doc.text(`${wording.cosignedBy} ${joinAuthorityNames(coSignatories.map((a) => a.name[language]), language)}`, {
      size: 8.5,
      color: GREY,
      spaceAfter: 6,
      field: `A co-signatory's name (${language})`,
    });
  }
  doc.rule(18);

  doc.text(wording.reference, { align: 'right', spaceAfter: 0 });
  doc.text(wording.date, { align: 'right', spaceAfter: 18 });

  // Addressee.
  doc.text(vendor.name, { weight: 'bold', spaceAfter: 0, field: `The name of vendor ${vendor.id}` });
  doc.text(vendor.contacts.map((c) => c.name).join('\n'), { spaceAfter: 18, field: `A contact name of vendor ${vendor.id}` });

  doc.text(wording.subject, { weight: 'bold', spaceAfter: 12 });
  doc.paragraph(wording.salutation, { spaceAfter: 8, field: `The salutation to vendor ${vendor.id}'s contacts` });
  campaign.letterBody[language].forEach((paragraph, i) => doc.paragraph(paragraph, { spaceAfter: 8, field: `letterBody.${language}[${i}]` }));
  if (dueDate !== undefined) doc.paragraph(wording.responseDue, { weight: 'bold', spaceAfter: 8 });

  // The closing and the signatures stay together on one page when they fit on one: a block split
  // three and three, with an almost empty last page, reads as two documents.
  const signatureBlock = (4 + 3 * (coSignatories.length + 1)) * doc.fontSize * doc.lineHeight;
  doc.ensureSpace(signatureBlock < keepTogetherLimit(doc) ? signatureBlock : 6 * doc.fontSize * doc.lineHeight);
  doc.paragraph(wording.closing, { spaceAfter: 20 });
  for (const authority of [lead, ...coSignatories]) {
    doc.ensureSpace(3 * doc.fontSize * doc.lineHeight);
    doc.text(authority.contact.name, { weight: 'bold', spaceAfter: 0, field: `The contact name of authority ${authority.id}` });
    doc.text(authority.name[language], { size: 9, color: GREY, spaceAfter: 10, field: `The name (${language}) of authority ${authority.id}` });
  }
  return doc.save();
}
