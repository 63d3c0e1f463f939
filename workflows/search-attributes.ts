import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Typed keys; the names must match infra/temporal-cli.ts SEARCH_ATTRIBUTES (registered on start).
export const LeadUnit = defineSearchAttributeKey('LeadUnit', SearchAttributeType.KEYWORD);
export const AssignmentStatus = defineSearchAttributeKey('AssignmentStatus', SearchAttributeType.KEYWORD);
export const DueAt = defineSearchAttributeKey('DueAt', SearchAttributeType.DATETIME);
export const DirectiveNumber = defineSearchAttributeKey('DirectiveNumber', SearchAttributeType.KEYWORD);
