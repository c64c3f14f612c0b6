export { normaliseCode, normaliseCompanyName, normaliseEmail, normalisePersonName, normalisePhone, normalisePhones, normaliseText } from './normalise';
export { bigramSimilarity, characterBigrams, minSharedBigrams, trigramSimilarity } from './similarity';
export {
  DEFAULT_FUZZY_THRESHOLD,
  DUPLICATE_FIELDS,
  DUPLICATE_OBJECTS,
  defaultDuplicateRules,
  duplicateOutcome,
  matchCandidate,
  normaliseRecord,
  rankCandidates,
  validateRule,
} from './duplicate-rule';
export type {
  CandidateMatch,
  CandidateRecord,
  DuplicateAction,
  DuplicateObject,
  DuplicateRule,
  FieldKind,
  FieldMatch,
  FieldScore,
  MatchMode,
  NormalisedRecord,
  RankedCandidate,
} from './duplicate-rule';
