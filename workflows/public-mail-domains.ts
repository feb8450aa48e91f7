// Domains of public mail services, whose every address is someone else's: a vendor contact at one of
// them (a small company's founder writing from gmail.com) vouches for that very address only, never
// for its domain, or anyone with a free account there could reply as the vendor. The major services
// in the countries Dossier's authorities write to; a service missing here is treated as a company's
// own domain, as every domain was before this list.
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Global
  'gmail.com', 'googlemail.com',
  'outlook.com', 'outlook.fr', 'hotmail.com', 'hotmail.fr', 'hotmail.ca', 'hotmail.co.uk', 'live.com', 'live.fr', 'live.ca', 'live.co.uk', 'msn.com',
  'yahoo.com', 'yahoo.fr', 'yahoo.ca', 'yahoo.co.uk', 'ymail.com', 'rocketmail.com', 'aol.com', 'aol.fr',
  'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me', 'tutanota.com', 'tuta.io', 'fastmail.com', 'hey.com', 'zoho.com', 'zohomail.com',
  'mail.com', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.fr', 'web.de', 't-online.de',
  'yandex.com', 'yandex.ru', 'mail.ru', 'qq.com', '163.com', '126.com', 'naver.com',
  // France
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'neuf.fr', 'bbox.fr',
  // Canada
  'videotron.ca', 'sympatico.ca', 'bell.net', 'rogers.com', 'shaw.ca', 'telus.net', 'cogeco.ca',
  // Elsewhere among the co-signatories' countries
  'libero.it', 'virgilio.it', 'btinternet.com', 'sky.com', 'comcast.net', 'verizon.net', 'att.net', 'bigpond.com', 'optusnet.com.au', 'xtra.co.nz',
]);
