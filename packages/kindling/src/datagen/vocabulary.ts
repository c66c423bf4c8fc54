/** Word lists behind the generated values. Order matters: generated data depends on it. */

/** Countries (ISO 3166-1 alpha-2) with their share of customers. */
export const COUNTRIES = [
  ["US", 26],
  ["DE", 10],
  ["GB", 9],
  ["FR", 8],
  ["JP", 7],
  ["BR", 7],
  ["IN", 7],
  ["CA", 5],
  ["ES", 4],
  ["IT", 4],
  ["NL", 3],
  ["PL", 3],
  ["MX", 3],
  ["CN", 2],
  ["SE", 1],
  ["AU", 1],
] as const;

/** Accepted order statuses and their share of clean orders. */
export const STATUSES = [
  ["placed", 12],
  ["shipped", 20],
  ["delivered", 55],
  ["cancelled", 8],
  ["returned", 5],
] as const;

/** Sales channels and their share of orders. */
export const CHANNELS = [
  ["web", 50],
  ["mobile", 35],
  ["store", 15],
] as const;

/** Customer segments and their share of customers. */
export const SEGMENTS = [
  ["consumer", 80],
  ["smb", 15],
  ["enterprise", 5],
] as const;

/** A name as written and its ASCII spelling for e-mail addresses. */
export type Name = readonly [display: string, ascii: string];

/** First and last names by name culture; countries map to a culture below. */
const NAMES: Record<string, { first: readonly Name[]; last: readonly Name[] }> = {
  en: {
    first: [
      ["James", "james"],
      ["Mary", "mary"],
      ["Olivia", "olivia"],
      ["Liam", "liam"],
      ["Zoë", "zoe"],
      ["Noah", "noah"],
      ["Chloé", "chloe"],
      ["Aoife", "aoife"],
    ],
    last: [
      ["Smith", "smith"],
      ["Johnson", "johnson"],
      ["O'Brien", "obrien"],
      ["Brown", "brown"],
      ["Nguyễn", "nguyen"],
      ["Williams", "williams"],
      ["Taylor", "taylor"],
    ],
  },
  de: {
    first: [
      ["Jürgen", "juergen"],
      ["Anna", "anna"],
      ["Lukas", "lukas"],
      ["Zoë", "zoe"],
      ["Mia", "mia"],
      ["Björn", "bjoern"],
    ],
    last: [
      ["Müller", "mueller"],
      ["Schmidt", "schmidt"],
      ["Weiß", "weiss"],
      ["Schäfer", "schaefer"],
      ["Becker", "becker"],
      ["de Vries", "devries"],
    ],
  },
  fr: {
    first: [
      ["Chloé", "chloe"],
      ["Théo", "theo"],
      ["Léa", "lea"],
      ["François", "francois"],
      ["Inès", "ines"],
    ],
    last: [
      ["Dubois", "dubois"],
      ["Lefèvre", "lefevre"],
      ["Martin", "martin"],
      ["Girard", "girard"],
      ["Côté", "cote"],
    ],
  },
  es: {
    first: [
      ["José", "jose"],
      ["María", "maria"],
      ["Lucía", "lucia"],
      ["João", "joao"],
      ["Ana", "ana"],
      ["Iñigo", "inigo"],
    ],
    last: [
      ["García", "garcia"],
      ["Fernández", "fernandez"],
      ["Peña", "pena"],
      ["Silva", "silva"],
      ["Gonçalves", "goncalves"],
    ],
  },
  pl: {
    first: [
      ["Łukasz", "lukasz"],
      ["Zofia", "zofia"],
      ["Małgorzata", "malgorzata"],
      ["Åsa", "asa"],
      ["Jakub", "jakub"],
    ],
    last: [
      ["Kowalski", "kowalski"],
      ["Wiśniewska", "wisniewska"],
      ["Nowak", "nowak"],
      ["Lindström", "lindstrom"],
    ],
  },
  ja: {
    first: [
      ["翔太", "shota"],
      ["さくら", "sakura"],
      ["Haruto", "haruto"],
      ["陽菜", "hina"],
    ],
    last: [
      ["佐藤", "sato"],
      ["鈴木", "suzuki"],
      ["Tanaka", "tanaka"],
      ["高橋", "takahashi"],
    ],
  },
  zh: {
    first: [
      ["雷", "lei"],
      ["梅梅", "meimei"],
      ["Wei", "wei"],
      ["芳", "fang"],
    ],
    last: [
      ["李", "li"],
      ["王", "wang"],
      ["韩", "han"],
      ["Zhang", "zhang"],
    ],
  },
  hi: {
    first: [
      ["Aarav", "aarav"],
      ["Priya", "priya"],
      ["अर्जुन", "arjun"],
      ["Ananya", "ananya"],
    ],
    last: [
      ["Sharma", "sharma"],
      ["Patel", "patel"],
      ["शर्मा", "sharma"],
      ["Iyer", "iyer"],
    ],
  },
};

const CULTURE_OF_COUNTRY: Record<string, string> = {
  US: "en",
  GB: "en",
  CA: "en",
  AU: "en",
  DE: "de",
  NL: "de",
  FR: "fr",
  ES: "es",
  MX: "es",
  BR: "es",
  IT: "fr",
  PL: "pl",
  SE: "pl",
  JP: "ja",
  CN: "zh",
  IN: "hi",
};

/** The name lists used for customers of a country. */
export function namesFor(country: string): { first: readonly Name[]; last: readonly Name[] } {
  return NAMES[CULTURE_OF_COUNTRY[country] ?? "en"]!;
}

/** E-mail domains. */
export const EMAIL_DOMAINS = ["example.com", "mail.example.org", "example.net", "corp.example"] as const;

/**
 * Product categories with their price range in cents and the nouns of their products. Some nouns
 * hold commas, double quotes or non-ASCII letters, so products.csv needs proper quoting.
 */
export const CATEGORIES = [
  {
    name: "Electronics",
    cents: [1_999, 149_999],
    nouns: ['Monitor 27"', "Headphones", "Cable, USB-C, 2m", "Smart Speaker"],
  },
  { name: "Books", cents: [599, 4_999], nouns: ["Novel", 'Cookbook "Simple"', "Atlas", "Poetry, Vol. 2"] },
  {
    name: "Home & Kitchen",
    cents: [899, 39_999],
    nouns: ['Skillet 12"', "Crème Brûlée Torch", "Kettle", "Knife Set, 5-piece"],
  },
  { name: "Garden", cents: [499, 59_999], nouns: ["Hose, 25m", "Planter", "Pruning Shears", "Bird Feeder"] },
  { name: "Toys", cents: [699, 19_999], nouns: ["Puzzle", "Robot Kit", 'Plush "Bär"', "Kite"] },
  {
    name: "Sports",
    cents: [999, 89_999],
    nouns: ["Yoga Mat", "Football", "Tennis Racket", "Bike Helmet, M"],
  },
  {
    name: "Beauty",
    cents: [399, 12_999],
    nouns: ["Shampoo", "Eau de Toilette", "Face Cream", "Brush, Ø 5cm"],
  },
  {
    name: "Grocery",
    cents: [149, 4_999],
    nouns: ["Coffee Beans", "Matcha 抹茶", "Olive Oil", "Chocolate, 70%"],
  },
  { name: "Office", cents: [199, 49_999], nouns: ["Notebook", "Desk Lamp", "Pens, Pack of 10", 'Binder 2"'] },
  { name: "Fashion", cents: [1_499, 29_999], nouns: ["T-Shirt", "Scarf", "Jeans", "Sneakers, Size 42"] },
] as const;

/** Adjectives in front of product nouns. */
export const PRODUCT_ADJECTIVES = [
  "Classic",
  "Pro",
  "Eco",
  "Mini",
  "Deluxe",
  "Smart",
  "Vintage",
  "Ultra",
  "Basic",
  "Señor",
] as const;
