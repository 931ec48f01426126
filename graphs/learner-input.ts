import { MessagesDeltaValue, StateSchema } from "@langchain/langgraph";

/**
 * What a turn takes from outside: the learner's message, and nothing of the phase machine. The
 * channel is the state's own `messages`, so the input schema must declare it the same way.
 */
export const LearnerInput = new StateSchema({ messages: MessagesDeltaValue });
