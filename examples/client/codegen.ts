// GraphQL Code Generator: types for the operations of src/*.graphql, checked against the
// committed SDL of the server (graph/schema.graphql). Run with `npm run codegen`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../graph/schema.graphql',
  documents: 'src/**/*.graphql',
  silent: true,
  errorsOnly: true,
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        // Every custom scalar must be mapped: a new one fails the generation.
        strictScalars: true,
        scalars: { Date: 'string', Cursor: 'string' },
      },
    },
  },
};

export default config;
