// The worker's workflowsPath: every workflow the worker runs is exported here.
export { directiveTask } from './directive-task';
