import type { FunctionInvoker } from '../../contracts';
import type { ApiModel } from '../api-model';
import type { Authorizer } from './authorizer';
import { CognitoAuthorizer, type PoolDirectory } from './cognito';
import { IamAuthorizer } from './iam';
import { LambdaAuthorizer } from './lambda';

export type { Authorization, AuthorizationRequest, Authorizer } from './authorizer';

/** Every authorizer of an API by the name its methods use, each of its kind. */
export function authorizersOf(model: ApiModel, deps: { pools: PoolDirectory; invoker: FunctionInvoker }): Map<string, Authorizer> {
  return new Map(
    Object.values(model.authorizers).map((spec): [string, Authorizer] => {
      switch (spec.kind) {
        case 'cognito':
          return [spec.name, new CognitoAuthorizer(spec, deps.pools)];
        case 'lambda':
          return [spec.name, new LambdaAuthorizer(spec, deps.invoker)];
        case 'iam':
          return [spec.name, new IamAuthorizer()];
      }
    }),
  );
}
