/** What a generated message is written in. */
export type MessageScript = 'ascii' | 'accented' | 'cjk' | 'emoji';

const ASCII_WORDS = [
  'hello',
  'order',
  'shipped',
  'the',
  'price',
  'is',
  'now',
  'ready',
  'for',
  'review',
  'meeting',
  'at',
  'noon',
  'see',
  'you',
  'soon',
  'thanks',
  'update',
  'deployed',
  'build',
  'passed',
  'on',
  'main',
  'new',
  'comment',
];
// One 2-byte character or more in each (Latin-1 and Latin Extended), as in names and borrowed words.
const ACCENTED_WORDS = [
  'café',
  'José',
  'Zoë',
  'naïve',
  'São Paulo',
  'Müller',
  'crème brûlée',
  'señor',
  'Łódź',
  'Ångström',
  'déjà vu',
  'François',
  'Göteborg',
  'piñata',
  'Dvořák',
];
// Chinese, Japanese and Korean phrases: 3 bytes per character in UTF-8.
const CJK_WORDS = [
  '你好世界',
  '订单已发货',
  '今天天气很好',
  '北京欢迎你',
  '数据已更新',
  '今日は良い天気です',
  'ありがとうございます',
  '会議は正午です',
  '新しいコメント',
  '서울특별시',
  '감사합니다',
  '배포가 완료되었습니다',
  '价格已调整',
  '请稍后再试',
];
// 4-byte code points (surrogate pairs in JavaScript strings), a ZWJ sequence and a variation selector among them.
const EMOJI = ['😀', '👍', '🎉', '🚀', '🔥', '😂', '🙏', '✨', '❤️', '👨‍👩‍👧', '🇯🇵', '🤖', '🥳', '💯'];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/**
 * A fresh chat-like sentence of 4 to 9 words for benchmarks and tests, different on every call:
 * plain English words (`ascii`), the same with one accented word (`accented`), CJK phrases only
 * (`cjk`), or English words with emoji between them (`emoji`).
 *
 * @example
 * ```ts
 * import { seededRandom } from './random.js';
 * messageText(seededRandom(1), 'accented'); // e.g. 'see you at café noon deployed'
 * ```
 * @param random - the source of randomness, e.g. `seededRandom(seed)`.
 * @param script - what the sentence is written in.
 * @returns the sentence.
 */
export function messageText(random: () => number, script: MessageScript): string {
  const count = 4 + Math.floor(random() * 6);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    if (script === 'cjk') words.push(pick(random, CJK_WORDS));
    else if (script === 'emoji' && i % 2 === 1) words.push(pick(random, EMOJI));
    else words.push(pick(random, ASCII_WORDS));
  }
  if (script === 'accented') words[Math.floor(random() * count)] = pick(random, ACCENTED_WORDS);
  return words.join(script === 'cjk' ? '，' : ' ');
}
