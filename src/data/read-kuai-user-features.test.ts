import { describe, expect, it } from 'vitest';
import { readKuaiRandUsers, readKuaiRecUsers } from './read-kuai-user-features.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

describe('readKuaiRecUsers / readKuaiRandUsers', () => {
  it('parses numbers, keeps ranges and labels as text, and leaves out empty values', async () => {
    const users = await collect(readKuaiRecUsers(fixture('kuairec', 'user_features.csv')));
    expect(users.map((user) => user.id)).toEqual(['14', '21', '35']);
    expect(users[0]?.features).toMatchObject({
      user_active_degree: 'high_active',
      follow_user_num: 12,
      follow_user_num_range: '(10,50]',
      register_days_range: '91-180',
      onehot_feat3: 512,
    });
    expect(users[1]?.features).not.toHaveProperty('onehot_feat4');
    expect(Object.keys(users[2]?.features ?? {})).toHaveLength(24);
  });

  it('reads the KuaiRand schema, float spellings and -124 included', async () => {
    const users = await collect(readKuaiRandUsers(fixture('kuairand', 'user_features_pure.csv')));
    expect(users[0]?.features).toMatchObject({ is_live_streamer: -124, onehot_feat4: 2, onehot_feat12: 1 });
    expect(users).toHaveLength(2);
  });
});

describeMalformedCsv({
  file: 'user_features.csv',
  read: readKuaiRecUsers,
  header: 'user_id,user_active_degree,follow_user_num',
  required: ['user_id', 'user_active_degree'],
  row: '1,full_active,3',
  badValue: { row: ',full_active,3', message: 'field "user_id": expected an id, got ""' },
});
