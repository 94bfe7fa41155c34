import type { components } from '../../generated/api';

/** The OpenAI shapes of openapi.yaml, by their OpenAI names. */
type Schemas = components['schemas'];
export type OpenAiResponse = Schemas['OpenAIResponse'];
export type OpenAiResponseRequest = Schemas['OpenAIResponseRequest'];
export type OpenAiOutputItem = Schemas['OpenAIOutputItem'];
export type OpenAiOutputMessage = Schemas['OpenAIOutputMessage'];
export type OpenAiOutputReasoning = Schemas['OpenAIOutputReasoning'];
export type OpenAiResponseUsage = Schemas['OpenAIResponseUsage'];
export type OpenAiChatRequest = Schemas['OpenAIChatCompletionRequest'];
export type OpenAiChatCompletion = Schemas['OpenAIChatCompletion'];
export type OpenAiChatUsage = Schemas['OpenAIChatUsage'];
export type OpenAiModel = Schemas['OpenAIModel'];
export type OpenAiModelList = Schemas['OpenAIModelList'];
export type OpenAiErrorBody = Schemas['OpenAIErrorBody'];
export type CodexActivity = Schemas['CodexActivity'];
