import { insecureHostsFromEnvironment, RegistryClient } from '../core/registry/client';
import { parseRepository, repositoryName } from '../core/registry/reference';
import type { CommandContext } from './command';
import { requirePositionals } from './args';
import { writeJson, writeOut } from './output';

/** `tags <repository> [--json]`: every tag of a registry repository, across pages, in the registry's order. */
export async function tagsCommand(context: CommandContext): Promise<number> {
  const [spec] = requirePositionals(context.args, ['repository'], 'tags');
  const repository = parseRepository(spec);
  const client = new RegistryClient({ insecureHosts: insecureHostsFromEnvironment() });
  const tags = await client.listTags(repository, {}, context.operation);
  if (context.args.flags.has('json')) await writeJson({ repository: repositoryName(repository), tags });
  else await writeOut(tags.map((tag) => `${tag}\n`).join(''));
  return 0;
}
