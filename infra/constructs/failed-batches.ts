/**
 * Where an event source mapping puts what it gave up on: records that kept
 * failing retryably past the retry bound or the maximum record age. An S3
 * bucket keeps the whole records (SQS and SNS destinations keep only their
 * offsets), so an operator can replay them into their topic.
 *
 * The grant is written out instead of CDK's S3OnFailureDestination, which
 * grants read-write with `s3:DeleteObject*`: a function may only add objects
 * (Lambda picks their keys) and list the bucket, as Lambda's documentation asks.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResource } from '../nag';

export class FailedBatches extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: false,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'Only Lambda event source mappings write here (their own failed batches); CloudTrail records who reads them.',
      },
    ]);
  }

  /** The on-failure destination of one function's event source mapping. */
  destinationFor(): lambda.IEventSourceDlq {
    const bucket = this.bucket;
    return {
      bind(_mapping, target) {
        const objects = bucket.arnForObjects('*');
        target.addToRolePolicy(new iam.PolicyStatement({ sid: 'FailedBatchesWrite', actions: ['s3:PutObject'], resources: [objects] }));
        if (target.role) {
          acknowledgeWildcardResource(target.role, objects, 'Lambda names the objects of failed batches itself; the bucket holds nothing else.');
        }
        target.addToRolePolicy(new iam.PolicyStatement({ sid: 'FailedBatchesList', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
        return { destination: bucket.bucketArn };
      },
    };
  }
}
