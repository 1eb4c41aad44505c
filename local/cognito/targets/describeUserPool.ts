import { z } from 'zod';
import { poolById, stateOf } from '../services';
import { awsDate } from '../users';
import { parseRequest, required } from '../validation';
import type { Target } from './target';

const Request = z.object({ UserPoolId: required() });

/** DescribeUserPool: the pool as the template declares it (the settings the twin enforces), and its user count. */
export const describeUserPool: Target = async (s, body) => {
  const request = parseRequest(Request, body);
  const pool = poolById(s, request.UserPoolId);
  const policy = pool.passwordPolicy;
  return {
    UserPool: {
      Id: pool.id,
      Name: pool.name,
      Arn: pool.arn,
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minimumLength,
          RequireUppercase: policy.requireUppercase,
          RequireLowercase: policy.requireLowercase,
          RequireNumbers: policy.requireNumbers,
          RequireSymbols: policy.requireSymbols,
          TemporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
        },
      },
      LambdaConfig: pool.preSignUpArn ? { PreSignUp: pool.preSignUpArn } : {},
      UsernameAttributes: pool.usernameAttributes,
      AutoVerifiedAttributes: pool.autoVerifiedAttributes,
      UsernameConfiguration: { CaseSensitive: pool.caseSensitive },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: pool.adminCreateUserOnly },
      EstimatedNumberOfUsers: stateOf(s, pool).users.size,
      CreationDate: awsDate(0),
      LastModifiedDate: awsDate(0),
    },
  };
};
